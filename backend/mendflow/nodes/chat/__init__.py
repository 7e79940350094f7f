"""chat node types."""
