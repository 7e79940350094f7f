"""deploy node types."""
