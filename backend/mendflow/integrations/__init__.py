"""Clients for the systems steps act on, behind small capability interfaces; no flow logic here.

Every capability has a built-in implementation so the embedded default runs every shipped
flow with no outside account.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mendflow.db import Database
from mendflow.integrations.ansible import LocalAnsible
from mendflow.integrations.builtin.alerts import BuiltinAlerts
from mendflow.integrations.builtin.chat import BuiltinChat
from mendflow.integrations.builtin.deploy import BuiltinDeploy
from mendflow.integrations.builtin.tickets import BuiltinTickets
from mendflow.integrations.errors import IntegrationError
from mendflow.integrations.http import HttpClient


@dataclass
class Services:
    """The capabilities steps use; each field can be swapped for another implementation."""

    tickets: BuiltinTickets
    chat: BuiltinChat
    alerts: BuiltinAlerts
    deploy: BuiltinDeploy
    runbooks: LocalAnsible
    http: HttpClient
    incidents: Any = None
    pager: Any = None

    @classmethod
    def builtin(cls, db: Database, *, playbook_dir: Path, work_dir: Path,
                allow_link_local: bool = False) -> Services:
        return cls(tickets=BuiltinTickets(db), chat=BuiltinChat(db), alerts=BuiltinAlerts(db),
                   deploy=BuiltinDeploy(db), runbooks=LocalAnsible(playbook_dir, work_dir),
                   http=HttpClient(allow_link_local=allow_link_local))


__all__ = ["IntegrationError", "Services"]
