"""The performance-report domain: model, loading, validation, scoring, context."""
