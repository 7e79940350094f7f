"""Response links from email and chat: /respond/<token> shows the alert and answers it on confirmation.

Opening the link only shows the page (mail scanners open links too); the answer is a POST from its
button. The signed token is the credential: it names the alert, the person and the option.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, render_template_string

from mendflow.api.incidents import answer_alert
from mendflow.errors import MendflowError, NotFoundError
from mendflow.integrations.builtin.alerts import alert_dict
from mendflow.models import Alert

blp = Blueprint("respond", __name__)

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ title }} · mendflow</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1f2430}
main{max-width:32rem;margin:0 auto;padding:1.2rem}
.card{background:#fff;border-radius:10px;padding:1rem 1.2rem;box-shadow:0 1px 3px #0002;margin-bottom:1rem}
h1{font-size:1.25rem;margin:.2rem 0 .6rem}.sev{display:inline-block;padding:0 .5rem;border-radius:4px;
background:#fde7e9;color:#a4262c;font-weight:600;text-transform:uppercase;font-size:.8rem}
button{width:100%;font-size:1.1rem;padding:.9rem;border:0;border-radius:8px;background:#1769aa;color:#fff}
.ok{border-left:6px solid #2e7d32}.err{border-left:6px solid #c62828}small{color:#667}
ul{padding-left:1.1rem}</style></head><body><main>
{% if alert %}<div class="card"><h1>{{ alert.subject }}</h1>
{% if incident %}<span class="sev">{{ incident.severity }}</span> Incident #{{ incident.id }} · {{ incident.status }}
{% if incident.service %}· {{ incident.service }}{% endif %}{% endif %}
<p>{{ alert.message }}</p>
{% if incident and incident.entities %}<p><b>Impacted:</b>
{% for e in incident.entities %}{{ e.name if e is mapping and e.name else e }}{{ ", " if not loop.last }}
{% endfor %}</p>{% endif %}
{% if timeline %}<ul>{% for t in timeline %}<li><small>{{ t.at[11:16] }}</small> {{ t.actor }}: {{ t.message }}</li>
{% endfor %}</ul>{% endif %}</div>{% endif %}
{% if outcome %}<div class="card {{ 'ok' if ok else 'err' }}"><p>{{ outcome }}</p></div>
{% elif grant %}<form method="post" class="card"><p>Answer as <b>{{ grant.user_id }}</b>:</p>
<button type="submit">{{ grant.choice }}</button></form>{% endif %}
<p><small><a href="/respond">All my open alerts</a></small></p></main></body></html>"""


def _runtime() -> Any:
    return current_app.extensions["mendflow"]


def _render(status: int, **values: Any) -> tuple[str, int]:
    values.setdefault("title", "Respond")
    return render_template_string(_PAGE, **values), status


def _context(alert_id: int) -> dict[str, Any]:
    runtime = _runtime()
    with runtime.db.sessions() as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise NotFoundError("The alert of this link no longer exists.")
        item = alert_dict(alert)
    incident = runtime.incidents.get(item["incident_id"]) if item["incident_id"] else None
    timeline = runtime.incidents.timeline(item["incident_id"])[-5:] if incident else []
    return {"alert": item, "incident": incident, "timeline": timeline, "title": item["subject"]}


@blp.get("/respond/<token>")
def show(token: str) -> tuple[str, int]:
    return _respond(token, answer=False)


@blp.post("/respond/<token>")
def answer(token: str) -> tuple[str, int]:
    return _respond(token, answer=True)


def _respond(token: str, *, answer: bool) -> tuple[str, int]:
    """Show the alert and its button (GET), or answer it (POST); a refusal is shown with what could be read."""
    pager = _runtime().pager
    context: dict[str, Any] = {}
    try:
        grant = pager.tokens.read(token)
        context = _context(grant.alert_id)
        if not answer:
            pager.answerable(grant.alert_id, grant.choice)
            return _render(200, grant=grant, **context)
        answer_alert(grant.alert_id, grant.choice, user=grant.user_id, via="response link")
    except MendflowError as exc:
        return _render(exc.status, outcome=exc.message, ok=False, **context)
    return _render(200, outcome=f"Thanks, {grant.user_id}: {grant.choice!r} was sent; the flow goes on.", ok=True,
                   **context)


def register(app: Flask) -> None:
    app.register_blueprint(blp)
