"""The generic .docx template engine: knows nothing of indicators."""
