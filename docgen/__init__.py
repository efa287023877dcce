"""docgen: structured indicator data in, official Thai Word reports out."""

__version__ = "0.1.0"
