"""runbook.ansible: run an Ansible playbook from the playbook directory."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from mendflow.nodes.base import ConfigSchema, Done, NodeType, StepFailed
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import register


class AnsibleConfig(ConfigSchema):
    playbook = fields.String(required=True, validate=validate.Regexp(r"^[\w./-]+\.ya?ml$", error=(
        "Name a .yml or .yaml file in the playbook directory.")), metadata={
        "title": "Playbook", "description": "A file in the playbook directory, e.g. clean_tmp.yml"})
    extra_vars = fields.Dict(keys=fields.String(), load_default=dict, metadata={
        "title": "Extra variables", "x-widget": "json", "description": "Passed as extra vars; templates allowed."})
    limit = fields.String(load_default=None, allow_none=True, metadata={"title": "Limit hosts"})


@register
class AnsiblePlaybook(NodeType):
    """Runs an Ansible playbook from the configured playbook directory with ansible-runner.

    Succeeds when the playbook does; its stats, failed tasks and the tail of its output are the
    step's output. Playbooks should be idempotent: a step interrupted by a restart runs again.
    """

    type = "runbook.ansible"
    title = "Run playbook"
    icon = "terminal"
    config_schema = AnsibleConfig

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Done:
        ctx.log(f"running playbook {config['playbook']}")
        result = ctx.services.runbooks.run(config["playbook"], extra_vars=config["extra_vars"],
                                           limit=config["limit"], timeout=ctx.remaining(600))
        summary = f"Playbook {config['playbook']} {result['status']} (rc {result['rc']})"
        ctx.note("runbook_finished", summary, playbook=config["playbook"], status=result["status"],
                 rc=result["rc"])
        if result["status"] != "successful":
            failed = ", ".join(t for t in result["failed_tasks"] if t) or "see the output"
            raise StepFailed(f"{summary}; failed tasks: {failed}", retryable=False, output=result)
        return Done("out", result)
