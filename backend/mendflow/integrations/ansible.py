"""Ansible playbooks run on this machine through ansible-runner, only from the playbook directory."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from mendflow.integrations.errors import IntegrationError

_BIN = str(Path(sys.executable).parent)


class LocalAnsible:
    """Runs `playbook_dir/<name>` against localhost with ansible-runner and reports its result."""

    system = "ansible-runner"

    def __init__(self, playbook_dir: Path, work_dir: Path) -> None:
        self.playbook_dir = playbook_dir.resolve()
        self.work_dir = work_dir

    def resolve(self, playbook: str) -> Path:
        """The playbook's path; refuses anything outside the playbook directory."""
        path = (self.playbook_dir / playbook).resolve()
        if not path.is_relative_to(self.playbook_dir):
            raise IntegrationError(f"playbook {playbook!r} is outside the playbook directory", retryable=False)
        if path.suffix not in (".yml", ".yaml"):
            raise IntegrationError(f"playbook {playbook!r} must be a .yml or .yaml file", retryable=False)
        if not path.is_file():
            raise IntegrationError(f"playbook {playbook!r} not found in {self.playbook_dir}", retryable=False)
        return path

    def run(self, playbook: str, *, extra_vars: dict[str, Any] | None = None, limit: str | None = None,
            timeout: float = 600, on_event: Any = None) -> dict[str, Any]:
        import ansible_runner
        from ansible_runner.exceptions import AnsibleRunnerException

        path = self.resolve(playbook)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        private = Path(tempfile.mkdtemp(prefix="run-", dir=self.work_dir))
        env_path = os.environ.get("PATH", "")
        envvars = {
            "PATH": env_path if _BIN in env_path.split(os.pathsep) else f"{_BIN}{os.pathsep}{env_path}",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable, "ANSIBLE_RETRY_FILES_ENABLED": "0",
        }
        try:
            inventory = private / "inventory"
            inventory.mkdir()
            (inventory / "hosts").write_text(
                "localhost ansible_connection=local ansible_python_interpreter={{ ansible_playbook_python }}\n")
            kwargs: dict[str, Any] = {}
            if on_event is not None:
                kwargs["event_handler"] = on_event
            result = ansible_runner.run(
                private_data_dir=str(private), project_dir=str(path.parent), playbook=path.name,
                inventory=str(inventory / "hosts"), extravars=extra_vars or {}, limit=limit, quiet=True,
                timeout=max(1, int(timeout)), envvars=envvars, **kwargs)
            try:
                with result.stdout as output:  # each access opens the file anew; close it
                    stdout = output.read()
            except AnsibleRunnerException:  # no stdout recorded
                stdout = ""
            failed_tasks = [ev.get("event_data", {}).get("task", "") for ev in result.events
                            if ev.get("event") in ("runner_on_failed", "runner_on_unreachable")]
            return {"status": result.status, "rc": result.rc, "stats": result.stats or {},
                    "failed_tasks": failed_tasks, "stdout": stdout[-8000:], "playbook": playbook}
        finally:
            shutil.rmtree(private, ignore_errors=True)  # artifacts hold the whole process environment
