"""trigger node types."""
