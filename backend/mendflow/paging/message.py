"""The page itself: incident context and response options, as plain text, HTML and a chat message."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any


@dataclass(frozen=True)
class Page:
    """Everything a responder needs to decide, in one place."""

    alert_id: int
    subject: str
    message: str
    incident: dict[str, Any] | None
    timeline: list[dict[str, Any]]
    options: list[tuple[str, str]]  # (response option, signed link)
    inbox_url: str
    escalation: str = ""

    def context_lines(self) -> list[str]:
        incident = self.incident
        if not incident:
            return []
        lines = [f"Incident #{incident['id']}: {incident['title']}",
                 f"Severity: {incident['severity']}   Status: {incident['status']}"]
        if incident.get("service"):
            lines.append(f"Service: {incident['service']}")
        entities = [_entity(e) for e in incident.get("entities") or []]
        if entities:
            lines.append(f"Impacted: {', '.join(entities)}")
        for link in incident.get("links") or []:
            lines.append(f"Link: {_link_text(link)} {_link_url(link)}".rstrip())
        return lines

    def text(self) -> str:
        parts = [self.message, "", *self.context_lines()]
        if self.escalation:
            parts += ["", self.escalation]
        if self.timeline:
            parts += ["", "Latest on the timeline (UTC):"]
            parts += [f"  {entry['at'][11:16]} {entry['actor']}: {entry['message']}" for entry in self.timeline]
        parts += ["", "Respond (each link works once):"]
        parts += [f"  {option}: {url}" for option, url in self.options]
        parts += ["", f"Your open alerts: {self.inbox_url}"]
        return "\n".join(parts) + "\n"

    def html(self) -> str:
        context = "".join(f"<li>{escape(line)}</li>" for line in self.context_lines())
        timeline = "".join(f"<li><b>{escape(e['at'][11:16])}</b> {escape(e['actor'])}: {escape(e['message'])}</li>"
                           for e in self.timeline)
        buttons = "".join(
            f'<a href="{escape(url)}" style="display:inline-block;margin:4px 8px 4px 0;padding:10px 16px;'
            f'background:#1769aa;color:#fff;border-radius:6px;text-decoration:none">{escape(option)}</a>'
            for option, url in self.options)
        return (f'<div style="font:15px/1.5 system-ui,sans-serif;color:#1f2430">'
                f"<p>{escape(self.message)}</p><ul>{context}</ul>"
                + (f"<p>{escape(self.escalation)}</p>" if self.escalation else "")
                + (f"<p><b>Latest on the timeline (UTC)</b></p><ul>{timeline}</ul>" if timeline else "")
                + f"<p>{buttons}</p><p><a href=\"{escape(self.inbox_url)}\">Your open alerts</a></p></div>")

    def chat_text(self) -> str:
        lines = [f"*{self.subject}*", self.message, *self.context_lines()]
        if self.escalation:
            lines.append(self.escalation)
        return "\n".join(lines)

    def webhook_body(self, user_id: str) -> dict[str, Any]:
        return {"type": "mendflow.alert", "alert_id": self.alert_id, "to": user_id, "subject": self.subject,
                "message": self.message, "incident": self.incident, "timeline": self.timeline,
                "escalation": self.escalation, "inbox_url": self.inbox_url,
                "responses": [{"choice": option, "url": url} for option, url in self.options]}


def _entity(entity: Any) -> str:
    if isinstance(entity, dict):
        return str(entity.get("name") or entity.get("id") or entity)
    return str(entity)


def _link_text(link: Any) -> str:
    return str(link.get("text") or link.get("title") or "") if isinstance(link, dict) else ""


def _link_url(link: Any) -> str:
    return str(link.get("href") or link.get("url") or "") if isinstance(link, dict) else str(link)
