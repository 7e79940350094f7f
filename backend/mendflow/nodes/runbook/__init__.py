"""runbook node types."""
