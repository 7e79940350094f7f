"""Node types: one module per type under nodes/<family>/<name>.py, found by the registry."""

from mendflow.nodes.base import ConfigSchema, Done, Match, NodeType, Ports, StepFailed, Wait
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import Registry, default_registry, register

__all__ = ["ConfigSchema", "Done", "Match", "NodeType", "Ports", "Registry", "StepContext", "StepFailed", "Wait",
           "default_registry", "register"]
