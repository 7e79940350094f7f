"""incident node types."""
