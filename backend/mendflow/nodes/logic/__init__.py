"""logic node types."""
