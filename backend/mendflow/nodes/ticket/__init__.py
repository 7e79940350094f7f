"""ticket node types."""
