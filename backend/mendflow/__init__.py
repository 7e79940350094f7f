"""mendflow: a self-hosted, low-code flow designer for self-healing operations."""

__version__ = "0.1.0"
