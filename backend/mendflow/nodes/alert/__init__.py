"""alert node types."""
