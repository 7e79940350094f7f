"""The durable engine: runs flows step by step, persists every state change, recovers after a crash."""
