"""Settings: MENDFLOW_* environment variables over embedded defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default_instance_dir() -> Path:
    return Path(os.environ.get("MENDFLOW_INSTANCE_DIR", PROJECT_ROOT / "instance"))


@dataclass(frozen=True)
class Settings:
    """Everything mendflow can be told; each field reads MENDFLOW_<NAME> from the environment."""

    instance_dir: Path = field(default_factory=_default_instance_dir)
    database_url: str = ""
    flows_dir: Path = PROJECT_ROOT / "flows"
    playbook_dir: Path = PROJECT_ROOT / "flows" / "playbooks"
    executor: str = "inline"
    workers: int = 16
    max_body_bytes: int = 1024 * 1024
    secret_key: str = ""
    public_url: str = "http://127.0.0.1:5000"
    socketio_queue: str = ""
    socketio_channel: str = "mendflow"
    http_allow_link_local: bool = False
    fault_inject: str = ""
    migrate_on_start: bool = True
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "mendflow@localhost"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_security: str = "none"

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.instance_dir / 'mendflow.db'}")
        if not self.secret_key:
            object.__setattr__(self, "secret_key", _instance_secret(self.instance_dir))

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from MENDFLOW_* variables; keyword overrides win."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"MENDFLOW_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.type, f.name, raw)
        values.update(overrides)
        return cls(**values)

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **overrides)


def _coerce(kind: Any, name: str, raw: str) -> Any:
    kind = str(kind)
    if kind == "bool":
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"MENDFLOW_{name.upper()}={raw!r}: expected true or false")
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"MENDFLOW_{name.upper()}={raw!r}: expected an integer") from None
    if kind == "Path":
        return Path(raw).expanduser()
    return raw


def _instance_secret(instance_dir: Path) -> str:
    """A per-installation secret, made once and kept in the instance directory."""
    path = instance_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        instance_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(32)
        path.write_text(key)
        path.chmod(0o600)
        return key
