"""The flow library: drafts with optimistic revisions, published versions, webhook tokens.

Every write checks the revision the editor based it on, so two editors never silently
overwrite each other. Published versions are immutable; triggers run the latest published
version of each active flow.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from mendflow.db import Database
from mendflow.errors import ConflictError, InvalidError, NotFoundError
from mendflow.flowdoc.document import SCHEMA_ID, DocumentError, canonical, dump_flow, load_flow
from mendflow.flowdoc.graph import CompiledFlow, TriggerTarget, compile_flow
from mendflow.flowdoc.validation import check_document
from mendflow.models import Flow, FlowVersion, Hook, Run, utcnow
from mendflow.nodes.registry import Registry

CACHE_CHECK_SECONDS = 1.0


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]
    return slug or "flow"


class FlowLibrary:
    def __init__(self, db: Database, registry: Registry, *, public_url: str = "") -> None:
        self.db = db
        self.registry = registry
        self.public_url = public_url.rstrip("/")
        self._lock = threading.Lock()
        self._triggers: list[TriggerTarget] = []
        self._hooks: dict[str, TriggerTarget] = {}
        self._generation: tuple[Any, ...] | None = None
        self._checked_at = 0.0

    # -- reading -------------------------------------------------------------------------------

    def list(self, query: str = "") -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            stmt = select(Flow).order_by(Flow.name)
            if query:
                like = f"%{query.lower()}%"
                stmt = stmt.where(func.lower(Flow.name).like(like) | func.lower(Flow.id).like(like)
                                  | func.lower(Flow.description).like(like))
            flows = session.scalars(stmt).all()
            last_runs = self._last_runs(session, [f.id for f in flows])
            return [self._summary(f, last_runs.get(f.id)) for f in flows]

    def get(self, flow_id: str) -> dict[str, Any]:
        with self.db.sessions() as session:
            return self._detail(session, self._find(session, flow_id))

    def document(self, flow_id: str, version: int | None = None) -> dict[str, Any]:
        """The draft (version None) or a published version, as a loaded document."""
        with self.db.sessions() as session:
            if version is None:
                return json.loads(self._find(session, flow_id).document)
            row = session.get(FlowVersion, (flow_id, version))
            if row is None:
                self._find(session, flow_id)
                raise NotFoundError(f"flow {flow_id!r} has no version {version}")
            return json.loads(row.document)

    def export(self, flow_id: str, version: int | None = None) -> str:
        """Canonical JSON text, byte-identical to the files in flows/."""
        return dump_flow(load_flow(self.document(flow_id, version)))

    def versions(self, flow_id: str) -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            self._find(session, flow_id)
            rows = session.scalars(select(FlowVersion).where(FlowVersion.flow_id == flow_id)
                                   .order_by(FlowVersion.version.desc())).all()
            return [{"version": v.version, "revision": v.revision, "name": v.name,
                     "published_at": v.published_at.isoformat()} for v in rows]

    def validate(self, document: dict[str, Any]) -> list[dict[str, Any]]:
        """Problems of a loaded document (its shape already checked)."""
        return [p.to_dict() for p in check_document(document, self.registry.get)]

    # -- writing ---------------------------------------------------------------------------------

    def create(self, raw: Any, *, as_new: bool = True) -> dict[str, Any]:
        """Save a new flow. Without an id one is made from the name; `as_new=False` refuses a taken id."""
        document = _load(with_defaults(raw))
        with self.db.session() as session:
            if session.get(Flow, document["id"]) is not None:
                if not as_new:
                    raise ConflictError(f"a flow with id {document['id']!r} exists; import it as a new flow "
                                        "or delete the existing one first", flow_id=document["id"])
                document["id"] = self._free_id(session, document["id"])
            flow = Flow(id=document["id"], name=document["name"], description=document["description"],
                        document=dump_flow(document), revision=1)
            self._apply(session, flow, document)
            session.add(flow)
            session.flush()
            return self._detail(session, flow)

    def save(self, flow_id: str, raw: Any, base_revision: int) -> dict[str, Any]:
        """Save a new draft if `base_revision` is the current one; else ConflictError with the current draft."""
        document = _load(raw)
        if document["id"] != flow_id:
            raise InvalidError(f"the document's id {document['id']!r} does not match the flow {flow_id!r}; "
                               "ids cannot change (duplicate the flow instead)")
        with self.db.session() as session:
            flow = self._find(session, flow_id, for_update=True)
            if flow.revision != base_revision:
                raise ConflictError(
                    f"flow {flow_id!r} was saved by someone else meanwhile (revision {flow.revision}, "
                    f"yours was based on {base_revision})", current_revision=flow.revision,
                    current_document=json.loads(flow.document))
            text = dump_flow(document)
            if text != flow.document:
                flow.document, flow.revision = text, flow.revision + 1
                flow.name, flow.description = document["name"], document["description"]
                flow.updated_at = utcnow()
                self._apply(session, flow, document)
            return self._detail(session, flow)

    def delete(self, flow_id: str) -> None:
        with self.db.session() as session:
            flow = self._find(session, flow_id)
            session.execute(delete(Hook).where(Hook.flow_id == flow_id))
            session.execute(delete(FlowVersion).where(FlowVersion.flow_id == flow_id))
            session.delete(flow)
        self.invalidate()

    def duplicate(self, flow_id: str, name: str | None = None) -> dict[str, Any]:
        document = self.document(flow_id)
        document["name"] = name or f"{document['name']} (copy)"
        document["id"] = slugify(document["name"])
        return self.create(document)

    def publish(self, flow_id: str, base_revision: int | None = None) -> dict[str, Any]:
        """Publish the draft as a new immutable version; refused while it has problems."""
        with self.db.session() as session:
            flow = self._find(session, flow_id, for_update=True)
            if base_revision is not None and flow.revision != base_revision:
                raise ConflictError(f"flow {flow_id!r} changed since revision {base_revision} "
                                    f"(now {flow.revision}); reload before publishing",
                                    current_revision=flow.revision, current_document=json.loads(flow.document))
            document = json.loads(flow.document)
            problems = self.validate(load_flow(document))
            if problems:
                raise InvalidError(f"flow {flow_id!r} has {len(problems)} problem(s); fix them before publishing",
                                   problems=problems)
            if flow.published_revision != flow.revision:
                version = (flow.published_version or 0) + 1
                session.add(FlowVersion(flow_id=flow_id, version=version, revision=flow.revision,
                                        name=flow.name, document=flow.document))
                if flow.published_version is None:
                    flow.active = True
                flow.published_version, flow.published_revision = version, flow.revision
                flow.updated_at = utcnow()
            detail = self._detail(session, flow)
        self.invalidate()
        return detail

    def set_active(self, flow_id: str, active: bool) -> dict[str, Any]:
        with self.db.session() as session:
            flow = self._find(session, flow_id)
            if active and flow.published_version is None:
                raise InvalidError(f"flow {flow_id!r} has never been published; publish it to activate it")
            flow.active = active
            flow.updated_at = utcnow()
            detail = self._detail(session, flow)
        self.invalidate()
        return detail

    def load(self, raw: Any, *, publish: bool = False, update: bool = True) -> tuple[dict[str, Any], str]:
        """Create or update a flow from a file's document; returns (detail, action).

        The action is created, updated, unchanged, or kept (`update=False` and the flow exists:
        edits made in the editor are never overwritten by the file).
        """
        document = _load(raw)
        with self.db.sessions() as session:
            current = session.get(Flow, document["id"])
            revision = current.revision if current else None
        if revision is None:
            detail, action = self.create(document, as_new=False), "created"
        elif not update:
            return self.get(document["id"]), "kept"
        else:
            detail = self.save(document["id"], document, revision)
            action = "updated" if detail["revision"] != revision else "unchanged"
        if publish and detail["valid"] and detail["status"] != "published":
            detail = self.publish(document["id"])
        return detail, action

    # -- triggering ------------------------------------------------------------------------------

    def active_triggers(self) -> list[TriggerTarget]:
        """Every trigger of every active published flow (cached; rebuilt when flows change)."""
        self._refresh()
        return self._triggers

    def hook_target(self, token: str) -> TriggerTarget:
        self._refresh()
        target = self._hooks.get(token)
        if target is not None:
            return target
        with self.db.sessions() as session:
            hook = session.get(Hook, token)
            if hook is None:
                raise NotFoundError("no webhook with this token")
            flow = session.get(Flow, hook.flow_id)
            state = "inactive" if flow and flow.published_version else "not published"
            raise ConflictError(f"flow {hook.flow_id!r} is {state}; its webhook starts no runs")

    def manual_target(self, flow_id: str, version: int | str | None, trigger: str | None) -> TriggerTarget:
        """The trigger to start a manual or test run of the draft or of a published version."""
        with self.db.sessions() as session:
            flow = self._find(session, flow_id)
            if version in (None, "draft"):
                document, number, revision = json.loads(flow.document), None, flow.revision
            else:
                row = session.get(FlowVersion, (flow_id, int(version)))
                if row is None:
                    raise NotFoundError(f"flow {flow_id!r} has no version {version}")
                document, number, revision = json.loads(row.document), row.version, row.revision
        return self.document_target(document, trigger, version=number, revision=revision)

    def document_target(self, document: dict[str, Any], trigger: str | None, *, version: int | None = None,
                        revision: int = 0) -> TriggerTarget:
        """A trigger of a given document (a draft, a version, a snapshot kept with a run)."""
        loaded = load_flow(document)
        flow_id = loaded["id"]
        problems = self.validate(loaded)
        if problems:
            raise InvalidError(f"flow {flow_id!r} has {len(problems)} problem(s); fix them before running it",
                               problems=problems)
        compiled = compile_flow(loaded, self.registry.get, version=version, revision=revision)
        if not compiled.triggers:
            raise InvalidError(f"flow {flow_id!r} has no trigger")
        node_id = trigger or compiled.triggers[0]
        if node_id not in compiled.triggers:
            raise InvalidError(f"{node_id!r} is not a trigger of flow {flow_id!r}; "
                               f"its triggers: {', '.join(compiled.triggers)}")
        return TriggerTarget(compiled, node_id)

    def invalidate(self) -> None:
        with self._lock:
            self._generation = None

    def _refresh(self) -> None:
        now = time.monotonic()
        if self._generation is not None and now - self._checked_at < CACHE_CHECK_SECONDS:
            return
        with self._lock:
            with self.db.sessions() as session:
                generation = tuple(session.execute(select(func.count(Flow.id), func.max(Flow.updated_at))).one())
                if generation == self._generation:
                    self._checked_at = now
                    return
                rows = session.execute(
                    select(Flow.id, FlowVersion.version, FlowVersion.revision, FlowVersion.document)
                    .join(FlowVersion, (FlowVersion.flow_id == Flow.id)
                          & (FlowVersion.version == Flow.published_version))
                    .where(Flow.active.is_(True))).all()
                hooks = session.execute(select(Hook.token, Hook.flow_id, Hook.node_id)).all()
            triggers: list[TriggerTarget] = []
            by_flow: dict[str, CompiledFlow] = {}
            for _flow_id, version, revision, text in rows:
                compiled = compile_flow(load_flow(json.loads(text)), self.registry.get, version=version,
                                        revision=revision)
                by_flow[compiled.flow_id] = compiled
                triggers.extend(TriggerTarget(compiled, node_id) for node_id in compiled.triggers)
            self._triggers = triggers
            self._hooks = {token: TriggerTarget(by_flow[flow_id], node_id) for token, flow_id, node_id in hooks
                           if flow_id in by_flow and node_id in by_flow[flow_id].triggers}
            self._generation, self._checked_at = generation, now

    # -- helpers -----------------------------------------------------------------------------------

    def _apply(self, session: Session, flow: Flow, document: dict[str, Any]) -> None:
        """Derived state of a saved draft: validity and one webhook token per webhook trigger."""
        flow.valid = not check_document(document, self.registry.get)
        wanted = {n["id"] for n in document["nodes"] if n["type"] == "trigger.webhook"}
        existing = {h.node_id: h for h in session.scalars(select(Hook).where(Hook.flow_id == flow.id))}
        for node_id, hook in existing.items():
            if node_id not in wanted:
                session.delete(hook)
        for node_id in wanted - existing.keys():
            session.add(Hook(token=secrets.token_urlsafe(24), flow_id=flow.id, node_id=node_id))

    @staticmethod
    def _find(session: Session, flow_id: str, *, for_update: bool = False) -> Flow:
        flow = session.get(Flow, flow_id, with_for_update=for_update)
        if flow is None:
            raise NotFoundError(f"no flow {flow_id!r}")
        return flow

    @staticmethod
    def _free_id(session: Session, base: str) -> str:
        n = 2
        while session.get(Flow, f"{base[:90]}-{n}") is not None:
            n += 1
        return f"{base[:90]}-{n}"

    @staticmethod
    def _last_runs(session: Session, flow_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not flow_ids:
            return {}
        latest = (select(Run.flow_id, func.max(Run.started_at).label("started_at"))
                  .where(Run.flow_id.in_(flow_ids)).group_by(Run.flow_id).subquery())
        rows = session.execute(select(Run.id, Run.flow_id, Run.status, Run.started_at, Run.finished_at)
                               .join(latest, (Run.flow_id == latest.c.flow_id)
                                     & (Run.started_at == latest.c.started_at))).all()
        return {r.flow_id: {"id": r.id, "status": r.status, "started_at": r.started_at.isoformat(),
                            "finished_at": r.finished_at.isoformat() if r.finished_at else None} for r in rows}

    def _summary(self, flow: Flow, last_run: dict[str, Any] | None) -> dict[str, Any]:
        if flow.published_version is None:
            status = "draft"
        else:
            status = "published" if flow.published_revision == flow.revision else "modified"
        return {"id": flow.id, "name": flow.name, "description": flow.description, "revision": flow.revision,
                "published_version": flow.published_version, "active": flow.active, "status": status,
                "valid": flow.valid, "updated_at": flow.updated_at.isoformat(), "last_run": last_run}

    def _detail(self, session: Session, flow: Flow) -> dict[str, Any]:
        document = json.loads(flow.document)
        last = self._last_runs(session, [flow.id]).get(flow.id)
        hooks = session.scalars(select(Hook).where(Hook.flow_id == flow.id).order_by(Hook.node_id)).all()
        return {**self._summary(flow, last), "document": document,
                "problems": self.validate(load_flow(document)),
                "hooks": [{"node_id": h.node_id, "token": h.token, "url": f"{self.public_url}/hooks/{h.token}"}
                          for h in hooks]}


def with_defaults(raw: Any) -> Any:
    """A new document may leave out `schema` and `id` (made from the name, or `flow`)."""
    if not isinstance(raw, dict):
        return raw
    filled = {"schema": SCHEMA_ID, **raw}
    if not filled.get("id"):
        filled["id"] = slugify(raw["name"]) if isinstance(raw.get("name"), str) else "flow"
    return filled


def _load(raw: Any) -> dict[str, Any]:
    try:
        return load_flow(raw)
    except DocumentError as exc:
        raise InvalidError(str(exc), problems=[p.to_dict() for p in exc.problems]) from None


__all__ = ["FlowLibrary", "canonical", "slugify"]
