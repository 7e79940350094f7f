"""The engine: one coordinator thread owns run state; a thread pool executes steps.

Every message (an event, a step result, a response, a timer) is handled by the coordinator,
which applies the state changes in memory, writes them in one transaction per batch of
messages (group commit), and only after that commit announces them and hands new steps to the
workers. A step therefore never starts before its `running` state is durable, and nothing is
announced that a crash could take back.
"""

from __future__ import annotations

import heapq
import json
import logging
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from mendflow.db import Database, hot
from mendflow.engine import signals
from mendflow.engine.planner import has_active_steps, next_nodes
from mendflow.engine.records import RunRecord, StepRecord
from mendflow.engine.states import RUN_SETTLED, STEP_ACTIVE, RunStatus, StepStatus
from mendflow.engine.workers import Workers
from mendflow.errors import ConflictError, InvalidError, MendflowError, NotFoundError
from mendflow.flowdoc.document import dump_flow, load_flow
from mendflow.flowdoc.durations import parse_duration
from mendflow.flowdoc.graph import CompiledFlow, TriggerTarget, compile_flow
from mendflow.flowdoc.templates import TemplateError, render_value
from mendflow.incidents.correlation import correlate, incident_dict, timeline_row
from mendflow.integrations import IntegrationError, Services
from mendflow.models import Event, FlowVersion, Incident, Run, Step, TimelineEntry, new_id, utcnow
from mendflow.nodes.base import Done, StepFailed, Wait
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import Registry

log = logging.getLogger(__name__)

_RUNS = Run.__table__
_STEPS = Step.__table__
_EVENTS = Event.__table__
_INCIDENTS = Incident.__table__
_ADD_EVENTS = insert(_EVENTS)
_ADD_TIMELINE = insert(TimelineEntry.__table__)
_ADD_RUNS = insert(_RUNS)
_CHANGE_RUNS = update(_RUNS).where(_RUNS.c.id == bindparam("b_id"))
_ADD_STEPS = insert(_STEPS)
_CHANGE_STEPS = update(_STEPS).where(_STEPS.c.run_id == bindparam("b_run_id"),
                                     _STEPS.c.node_id == bindparam("b_node_id"))
MAX_BACKOFF = 300.0


class EngineError(MendflowError):
    """The engine cannot take the request now (e.g. it is stopping)."""

    status = 503


# -- messages to the coordinator -------------------------------------------------------------

@dataclass
class _Ingest:
    event: dict[str, Any]
    targets: list[TriggerTarget] | None
    future: Future


@dataclass
class _StartRun:
    target: TriggerTarget
    event: dict[str, Any]
    future: Future
    options: RunOptions


@dataclass(frozen=True)
class RunOptions:
    """How a manual run or replay differs from an ordinary one.

    A dry run changes nothing outside the run: steps with side effects record a prediction
    (the rendered request, and the port in `choices` or their first one) instead of acting,
    waits end at once, and the incident is only read (`incident`), never written.
    """

    dry_run: bool = False
    replay_of: str | None = None
    choices: dict[str, str] = field(default_factory=dict)
    incident: dict[str, Any] | None = None
    recorded: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Outputs the replayed run recorded, per node: a dry run predicts with them."""


@dataclass
class _Respond:
    run_id: str
    node_id: str
    response: dict[str, Any]
    future: Future


@dataclass
class _Cancel:
    run_id: str
    actor: str
    future: Future


@dataclass
class _Result:
    run_id: str
    node_id: str
    attempt: int
    outcome: Done | Wait | BaseException
    config: dict[str, Any] | None
    logs: list[dict[str, Any]]
    timeline: list[dict[str, Any]]


@dataclass
class _Timer:
    run_id: str
    node_id: str
    kind: str  # retry | wait | deadline
    attempt: int


@dataclass
class _Job:
    """One unit of step work for a worker: execute, resume with a response, or time out a wait."""

    run_id: str
    flow_id: str
    node: dict[str, Any]
    node_type: Any
    mode: str
    attempt: int
    event: dict[str, Any]
    incident: dict[str, Any] | None
    steps: dict[str, Any]
    wait: dict[str, Any] | None
    timeout: float | None
    dry_run: bool = False
    choice: str | None = None
    recorded: dict[str, Any] | None = None


@dataclass
class _Batch:
    conn: Connection
    runs: dict[str, RunRecord] = field(default_factory=dict)
    steps: dict[tuple[str, str], StepRecord] = field(default_factory=dict)
    after: list[Callable[[], None]] = field(default_factory=list)
    announce: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    instant: deque[_Job] = field(default_factory=deque)

    def touch(self, run: RunRecord, step: StepRecord | None = None) -> None:
        self.runs[run.id] = run
        if step is not None:
            self.steps[(run.id, step.node_id)] = step


TriggerSource = Callable[[], list[TriggerTarget]]


class Engine:
    """Runs flows durably. Public methods are thread-safe and return futures resolved after commit."""

    def __init__(self, db: Database, registry: Registry, services: Services, *,
                 triggers: TriggerSource = list, workers: int = 16, fault_inject: str = "",
                 env: dict[str, Any] | None = None) -> None:
        self.db = db
        self.registry = registry
        self.services = services
        self.triggers = triggers
        self.fault_inject = fault_inject
        self.env = env or {}
        self.runs: dict[str, RunRecord] = {}
        self._inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._timers: list[tuple[float, int, _Timer]] = []
        self._timer_seq = 0
        self._pool = Workers(workers, "mendflow-step")
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._idle = threading.Condition()
        self._flow_cache: dict[tuple[str, int | None, int], CompiledFlow] = {}

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        """Recover interrupted runs, then start the coordinator thread."""
        if self._thread is not None:
            return
        self._recover()
        self._thread = threading.Thread(target=self._loop, name="mendflow-engine", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking work, let the coordinator finish its batch and in-flight steps end (bounded).

        Steps still running after `timeout` are abandoned; their runs resume at the next start.
        """
        deadline = time.monotonic() + timeout
        self._stopping.set()
        self._inbox.put(None)
        if self._thread is not None:
            self._thread.join(timeout)
        self._pool.stop(max(0.0, deadline - time.monotonic()))

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no run is active in memory (tests and the CLI use this)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while any(run.status == RunStatus.RUNNING for run in self.runs.values()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    # -- public API --------------------------------------------------------------------------------

    def ingest(self, event: dict[str, Any], targets: list[TriggerTarget] | None = None) -> Future:
        """Correlate a normalized event and start a run for every trigger that accepts it."""
        return self._ask(_Ingest(event, targets, Future()))

    def start_run(self, target: TriggerTarget, event: dict[str, Any], options: RunOptions | None = None) -> Future:
        """Start one run from one trigger, without match rules (manual runs, test runs, replays)."""
        return self._ask(_StartRun(target, event, Future(), options or RunOptions()))

    def respond(self, run_id: str, node_id: str, response: dict[str, Any]) -> Future:
        """Answer a waiting step; the run resumes through the port the response names."""
        return self._ask(_Respond(run_id, node_id, response, Future()))

    def cancel(self, run_id: str, actor: str = "api") -> Future:
        return self._ask(_Cancel(run_id, actor, Future()))

    def announce_incident(self, incident_id: int, action: str) -> None:
        """Publish incident.updated for a change made outside a run (a responder acknowledged or resolved)."""
        signals.incident_changed.send(self, incident_id=incident_id, action=action)

    def _ask(self, message: Any) -> Future:
        if self._stopping.is_set():
            raise EngineError("the engine is stopping")
        self._inbox.put(message)
        return message.future

    # -- coordinator -------------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stopping.is_set():
            timeout = 1.0
            if self._timers:
                timeout = max(0.0, min(timeout, self._timers[0][0] - time.time()))
            try:
                first = self._inbox.get(timeout=timeout)
            except queue.Empty:
                first = None
            messages = [] if first is None else [first]
            while len(messages) < 512:
                try:
                    message = self._inbox.get_nowait()
                except queue.Empty:
                    break
                if message is not None:
                    messages.append(message)
            now = time.time()
            while self._timers and self._timers[0][0] <= now:
                messages.append(heapq.heappop(self._timers)[2])
            if messages:
                self._process(messages)

    def _process(self, messages: list[Any]) -> None:
        try:
            with self.db.begin() as conn:
                batch = _Batch(conn)
                for message in messages:
                    self._handle(batch, message)
                self._run_instant(batch)
                self._flush(batch)
        except Exception:
            log.exception("engine batch of %d message(s) failed to commit; reloading its runs", len(messages))
            for message in messages:
                future = getattr(message, "future", None)
                if future is not None and not future.done():
                    future.set_exception(EngineError("the change could not be saved; try again"))
            self._reload_after_failure(messages)
            return
        for sig, payload in batch.announce:
            sig.send(self, **payload)
        for action in batch.after:
            action()
        with self._idle:
            self._idle.notify_all()

    def _handle(self, batch: _Batch, message: Any) -> None:
        future = getattr(message, "future", None)
        try:
            if isinstance(message, _Result):
                self._on_result(batch, message)
            elif isinstance(message, _Timer):
                self._on_timer(batch, message)
            elif isinstance(message, _Ingest):
                result = self._on_ingest(batch, message.event, message.targets)
                batch.after.append(lambda: future.set_result(result))
            elif isinstance(message, _StartRun):
                run_id = self._on_start_run(batch, message.target, message.event, message.options)
                batch.after.append(lambda: future.set_result({"run_id": run_id}))
            elif isinstance(message, _Respond):
                result = self._on_respond(batch, message)
                batch.after.append(lambda: future.set_result(result))
            elif isinstance(message, _Cancel):
                result = self._on_cancel(batch, message)
                batch.after.append(lambda: future.set_result(result))
        except MendflowError as exc:
            if future is None:
                raise
            batch.after.append(lambda exc=exc: future.set_exception(exc))

    # -- events and runs -----------------------------------------------------------------------------

    def _on_ingest(self, batch: _Batch, event: dict[str, Any], targets: list[TriggerTarget] | None) -> dict[str, Any]:
        incident, action = correlate(batch.conn, event, batch.timeline)
        row = self._insert_event(batch, event, incident)
        if incident is not None:
            batch.announce.append((signals.incident_changed, {"incident_id": incident["id"], "action": action}))
        matches, runs = [], []
        for target in self.triggers() if targets is None else targets:
            node = target.flow.nodes[target.node_id]
            verdict = target.flow.types[target.node_id].accepts(node["config"], event)
            match = {"flow_id": target.flow.flow_id, "node_id": target.node_id, "version": target.flow.version,
                     "accepted": verdict.accepted, "reason": verdict.reason, "run_id": None}
            if verdict.accepted:
                match["run_id"] = self._create_run(batch, target, event, incident)
                runs.append(match["run_id"])
            matches.append(match)
        answer = {"event_id": event["id"], "incident_id": incident["id"] if incident else None,
                  "incident_action": action, "runs": runs, "matches": matches}
        row["explain"] = {"dedup_key": event["dedup_key"], "incident_id": answer["incident_id"],
                          "incident_action": action, "matches": matches,
                          "via": "webhook" if targets is not None else "every active trigger"}
        return answer

    def _on_start_run(self, batch: _Batch, target: TriggerTarget, event: dict[str, Any],
                      options: RunOptions) -> str:
        if options.dry_run:  # no incident is opened or changed; a fresh event is kept so it can be replayed
            run_id = self._create_run(batch, target, event, options.incident, options)
            if options.replay_of is None:
                self._insert_event(batch, event, None, _direct_explain(target, event, None, None, run_id, options))
            return run_id
        incident, action = correlate(batch.conn, event, batch.timeline)
        run_id = self._create_run(batch, target, event, incident, options)
        self._insert_event(batch, event, incident, _direct_explain(target, event, incident, action, run_id, options))
        return run_id

    def _insert_event(self, batch: _Batch, event: dict[str, Any], incident: dict[str, Any] | None,
                      explain: dict[str, Any] | None = None) -> dict[str, Any]:
        row = {"id": event["id"], "received_at": datetime.fromisoformat(event["received_at"]),
               "source": event["source"], "dedup_key": event["dedup_key"], "title": event["title"],
               "severity": event["severity"], "state": event["state"], "payload": event,
               "incident_id": incident["id"] if incident else None, "explain": explain}
        batch.events.append(row)
        return row

    def _create_run(self, batch: _Batch, target: TriggerTarget, event: dict[str, Any],
                    incident: dict[str, Any] | None, options: RunOptions | None = None) -> str:
        flow = target.flow
        options = options or RunOptions()
        run = RunRecord(id=new_id(), flow=flow, status=RunStatus.RUNNING, trigger_node=target.node_id,
                        event=event, incident=incident, started_at=utcnow(), store_document=flow.version is None,
                        dry_run=options.dry_run, replay_of=options.replay_of, choices=dict(options.choices),
                        recorded=dict(options.recorded))
        now = run.started_at
        for node_id in flow.triggers:
            if node_id == target.node_id:
                run.steps[node_id] = StepRecord(node_id, flow.nodes[node_id]["type"], StepStatus.SUCCEEDED,
                                                port="out", attempts=1, started_at=now, finished_at=now,
                                                output=_event_output(event))
            else:
                run.steps[node_id] = StepRecord(node_id, flow.nodes[node_id]["type"], StepStatus.SKIPPED,
                                                started_at=now, finished_at=now)
        self.runs[run.id] = run
        batch.touch(run)
        for step in run.steps.values():
            batch.touch(run, step)
        batch.announce.append((signals.run_changed, self._run_payload(run, "run.created")))
        if incident is not None and not run.dry_run:
            batch.timeline.append(timeline_row(
                incident["id"], "run_started", f"Flow {flow.name!r} started (run {run.id})", run_id=run.id,
                data={"flow_id": flow.flow_id, "version": flow.version}))
        self._advance(batch, run, list(flow.triggers))
        return run.id

    def _advance(self, batch: _Batch, run: RunRecord, changed: list[str]) -> None:
        """Record the skips and start the steps that `changed` made ready; a failing run starts none."""
        if run.status in RUN_SETTLED:
            return
        if run.error is not None:  # failed: steps still running may finish, but nothing new starts
            self._settle_run(batch, run)
            return
        ready, skipped = next_nodes(run.flow, run.steps, changed)
        now = utcnow()
        for node_id in skipped:
            step = StepRecord(node_id, run.flow.nodes[node_id]["type"], StepStatus.SKIPPED, started_at=now,
                              finished_at=now)
            run.steps[node_id] = step
            batch.touch(run, step)
            batch.announce.append((signals.step_changed, self._step_payload(run, step, "step.finished")))
        for node_id in ready:
            step = StepRecord(node_id, run.flow.nodes[node_id]["type"], StepStatus.RUNNING, attempts=1,
                              started_at=now)
            run.steps[node_id] = step
            batch.touch(run, step)
            self._dispatch(batch, run, step, "execute")
        self._settle_run(batch, run)

    def _settle_run(self, batch: _Batch, run: RunRecord) -> None:
        """Finish the run when nothing is active; mark it waiting when only waits remain."""
        if run.status in RUN_SETTLED:
            return
        if has_active_steps(run.steps):
            active = [s.status for s in run.steps.values() if s.status in STEP_ACTIVE]
            waiting = all(status == StepStatus.WAITING for status in active)
            status = RunStatus.WAITING if waiting else RunStatus.RUNNING
            if status != run.status:
                run.status = status
                batch.touch(run)
                event = "run.waiting" if status == RunStatus.WAITING else "run.resumed"
                batch.announce.append((signals.run_changed, self._run_payload(run, event)))
            return
        run.status = RunStatus.FAILED if run.error else RunStatus.SUCCEEDED
        run.finished_at = utcnow()
        batch.touch(run)
        batch.announce.append((signals.run_changed, self._run_payload(run, "run.finished")))
        if run.incident is not None and not run.dry_run:
            outcome = f"failed: {run.error}" if run.error else "succeeded"
            batch.timeline.append(timeline_row(
                run.incident["id"], "run_finished", f"Flow {run.flow.name!r} {outcome}", run_id=run.id,
                data={"flow_id": run.flow.flow_id, "status": str(run.status)}))
        batch.after.append(lambda: self.runs.pop(run.id, None))

    # -- step execution ------------------------------------------------------------------------------

    def _dispatch(self, batch: _Batch, run: RunRecord, step: StepRecord, mode: str) -> None:
        node = run.flow.nodes[step.node_id]
        timeout = parse_duration(node["timeout"]) if node.get("timeout") else None
        job = _Job(run_id=run.id, flow_id=run.flow.flow_id, node=node, node_type=run.flow.types[step.node_id],
                   mode=mode, attempt=step.attempts, event=run.event, incident=run.incident, steps=run.outputs,
                   wait=step.wait, timeout=timeout, dry_run=run.dry_run, choice=run.choices.get(step.node_id),
                   recorded=run.recorded.get(step.node_id))
        event = "step.started" if mode == "execute" else "step.resumed"
        batch.announce.append((signals.step_changed, self._step_payload(run, step, event)))
        if mode == "execute" and self._instant(job.node_type):
            batch.instant.append(job)
            return
        if timeout is not None:
            self._add_timer(time.time() + timeout, _Timer(run.id, step.node_id, "deadline", step.attempts))
        batch.after.append(lambda: self._pool.submit(self._work, job))

    def _instant(self, node_type: Any) -> bool:
        """Whether a step of `node_type` runs inside the batch: pure computation, or a built-in write."""
        if node_type.instant:
            return True
        service = getattr(self.services, node_type.instant_with, None) if node_type.instant_with else None
        return getattr(service, "system", None) == "builtin"

    def _run_instant(self, batch: _Batch) -> None:
        """Execute instant steps within the batch itself.

        A built-in write (`NodeType.instant_with`) joins the batch's transaction on SQLite, so the
        ticket or message and the step's result are committed together or not at all.
        """
        while batch.instant:
            job = batch.instant.popleft()
            result = self._attempt(job)
            self._maybe_inject_fault(job)
            self._on_result(batch, result)

    def _work(self, job: _Job) -> None:
        """Run one step attempt on a worker thread and post the result to the coordinator."""
        result = self._attempt(job)
        self._maybe_inject_fault(job)
        self._inbox.put(result)

    def _attempt(self, job: _Job) -> _Result:
        """Render the config and run one attempt of a step; any exception becomes the step's failure."""
        ctx = StepContext(run_id=job.run_id, flow_id=job.flow_id, node_id=job.node["id"], node_type=job.node["type"],
                          attempt=job.attempt, event=job.event, incident=job.incident, steps=job.steps,
                          services=self.services, env=self.env,
                          deadline=time.monotonic() + job.timeout if job.timeout else None)
        rendered: dict[str, Any] | None = None
        outcome: Done | Wait | BaseException
        try:
            node_type = job.node_type
            raw = node_type.with_defaults(job.node["config"])
            skip = node_type.raw_fields
            context = ctx.template_context()
            rendered = {key: (value if key in skip else render_value(value, context)) for key, value in raw.items()}
            if job.dry_run and job.mode == "execute" and node_type.side_effects:
                outcome = self._predict(job, node_type, rendered, ctx)
                return _Result(job.run_id, job.node["id"], job.attempt, outcome, rendered, ctx.logs, [])
            config = node_type.load_config(rendered)
            if job.mode == "execute":
                outcome = node_type.execute(config, ctx)
                if job.dry_run and isinstance(outcome, Wait):  # a dry run does not wait for time
                    outcome = node_type.on_timeout(config, ctx, outcome.memo)
            elif job.mode == "resume":
                outcome = node_type.resume(config, ctx, (job.wait or {}).get("response") or {})
            else:
                outcome = node_type.on_timeout(config, ctx, (job.wait or {}).get("memo") or {})
        except TemplateError as exc:
            outcome = StepFailed(str(exc), retryable=False)
        except Exception as exc:  # a node's failure is the step's failure, never the engine's
            outcome = exc
        return _Result(job.run_id, job.node["id"], job.attempt, outcome, rendered, ctx.logs, ctx.timeline)

    @staticmethod
    def _predict(job: _Job, node_type: Any, rendered: dict[str, Any], ctx: StepContext) -> Done:
        """A dry run's stand-in for a step with side effects, with the outputs the replayed run recorded.

        Config that does not load (often because an upstream value is itself a prediction) is
        reported in the output rather than failing the dry run.
        """
        try:
            config, problems = node_type.load_config(rendered), None
        except StepFailed as exc:
            config, problems = rendered, str(exc)
        done = node_type.predict(config, ctx, job.choice)
        output = {**(job.recorded or {}), **done.output}
        if problems:
            output["config_problems"] = problems
        return Done(done.port, output)

    def _maybe_inject_fault(self, job: _Job) -> None:
        if self.fault_inject == f"kill-after-execute:{job.node['id']}" and job.attempt == 1 and job.mode == "execute":
            log.warning("fault injection: killing the process after %s executed", job.node["id"])
            os.kill(os.getpid(), signal.SIGKILL)

    def _on_result(self, batch: _Batch, result: _Result) -> None:
        run = self.runs.get(result.run_id)
        step = run.steps.get(result.node_id) if run else None
        if run is None or step is None or step.status != StepStatus.RUNNING or step.attempts != result.attempt:
            log.info("ignoring a late result for %s/%s attempt %s", result.run_id, result.node_id, result.attempt)
            return
        if result.config is not None:
            step.config = result.config
        step.logs.extend(result.logs)
        if run.incident is not None and not run.dry_run:
            batch.timeline.extend(timeline_row(
                run.incident["id"], entry["kind"], entry["message"], actor=entry["actor"], at=entry["at"],
                data=entry["data"], run_id=run.id, node_id=step.node_id) for entry in result.timeline)
        outcome = result.outcome
        batch.touch(run, step)
        if isinstance(outcome, Done):
            self._finish_step(batch, run, step, outcome)
        elif isinstance(outcome, Wait):
            self._wait_step(batch, run, step, outcome)
        else:
            self._fail_attempt(batch, run, step, outcome)

    def _finish_step(self, batch: _Batch, run: RunRecord, step: StepRecord, done: Done) -> None:
        ports = run.flow.types[step.node_id].output_ports(run.flow.nodes[step.node_id]["config"])
        if done.port not in ports:
            self._fail_attempt(batch, run, step, StepFailed(
                f"the node left through port {done.port!r}, which it does not have ({', '.join(ports)})",
                retryable=False))
            return
        step.port, step.output, step.error = done.port, done.output, None
        step.wait = None
        step.move(StepStatus.SUCCEEDED)
        batch.announce.append((signals.step_changed, self._step_payload(run, step, "step.finished")))
        self._advance(batch, run, [step.node_id])

    def _wait_step(self, batch: _Batch, run: RunRecord, step: StepRecord, wait: Wait) -> None:
        pending = (step.wait or {}).get("pending_response")
        if pending and wait.kind == "response" and pending.get("choice") in (wait.responses or []):
            step.wait = {"kind": wait.kind, "responses": wait.responses, "memo": _jsonable(wait.memo),
                         "until": None, "response": pending, "resuming": "response"}
            self._dispatch(batch, run, step, "resume")  # answered while it was sending: go on at once
            return
        if pending:
            step.logs.append({"at": utcnow().isoformat(),
                              "message": f"the early response {pending.get('choice')!r} does not fit this wait; "
                                         "dropped"})
        until = utcnow() + timedelta(seconds=wait.timeout) if wait.timeout is not None else None
        step.wait = {"kind": wait.kind, "responses": wait.responses, "memo": _jsonable(wait.memo),
                     "until": until.isoformat() if until else None}
        step.due_at = until
        step.move(StepStatus.WAITING)
        if until is not None:
            self._add_timer(until.timestamp(), _Timer(run.id, step.node_id, "wait", step.attempts))
        batch.announce.append((signals.step_changed, self._step_payload(run, step, "step.waiting")))
        self._settle_run(batch, run)

    def _fail_attempt(self, batch: _Batch, run: RunRecord, step: StepRecord, error: BaseException) -> None:
        message = _describe(error)
        retryable = getattr(error, "retryable", True) and not isinstance(error, TemplateError)
        attempts, backoff = self._retry_policy(run.flow.nodes[step.node_id], run.flow.types[step.node_id])
        step.error = message
        if retryable and step.attempts < attempts and run.status not in RUN_SETTLED:
            delay = min(MAX_BACKOFF, backoff * 2 ** (step.attempts - 1))
            step.logs.append({"at": utcnow().isoformat(),
                              "message": f"attempt {step.attempts} failed: {message}; retrying in {delay:g}s"})
            step.due_at = utcnow() + timedelta(seconds=delay)
            step.move(StepStatus.RETRYING)
            self._add_timer(step.due_at.timestamp(), _Timer(run.id, step.node_id, "retry", step.attempts))
            batch.announce.append((signals.step_changed, self._step_payload(run, step, "step.retrying")))
            self._settle_run(batch, run)
            return
        step.logs.append({"at": utcnow().isoformat(), "message": f"attempt {step.attempts} failed: {message}"})
        step.output = {"error": message, **(getattr(error, "output", None) or {})}
        step.move(StepStatus.FAILED)
        if run.incident is not None and not run.dry_run:
            batch.timeline.append(timeline_row(
                run.incident["id"], "step_failed",
                f"{_label(run, step)} failed after {step.attempts} attempt(s): {message}",
                data={"node_type": step.node_type}, run_id=run.id, node_id=step.node_id))
        if step.node_id in run.flow.handles_error:
            step.port = "error"
            batch.announce.append((signals.step_changed, self._step_payload(run, step, "step.finished")))
            self._advance(batch, run, [step.node_id])
            return
        batch.announce.append((signals.step_changed, self._step_payload(run, step, "step.finished")))
        run.error = run.error or f"{step.node_id}: {message}"  # the first failure is the cause
        self._stop_waiting_steps(batch, run, f"the run failed at {step.node_id}")
        self._settle_run(batch, run)

    @staticmethod
    def _retry_policy(node: dict[str, Any], node_type: Any) -> tuple[int, float]:
        retry = node.get("retry")
        if retry:
            return retry["attempts"], parse_duration(retry["backoff"])
        return getattr(node_type, "retry_default", (1, 0.0))

    def _stop_waiting_steps(self, batch: _Batch, run: RunRecord, reason: str) -> None:
        for step in run.steps.values():
            if step.status in (StepStatus.WAITING, StepStatus.RETRYING):
                step.error = reason
                step.move(StepStatus.CANCELLED)
                batch.touch(run, step)
                batch.announce.append((signals.step_changed, self._step_payload(run, step, "step.finished")))
                key = f"{run.id}:{step.node_id}"
                batch.after.append(lambda key=key: self._pool.submit(
                    self.services.alerts.close, key, status="cancelled"))

    def _on_timer(self, batch: _Batch, timer: _Timer) -> None:
        run = self.runs.get(timer.run_id)
        step = run.steps.get(timer.node_id) if run else None
        if run is None or step is None or step.attempts != timer.attempt:
            return
        if timer.kind == "retry" and step.status == StepStatus.RETRYING:
            step.attempts += 1
            self._run_again(batch, run, step, "execute")
        elif timer.kind == "wait" and step.status == StepStatus.WAITING:
            step.wait = {**(step.wait or {}), "resuming": "timeout"}
            self._run_again(batch, run, step, "timeout")
        elif timer.kind == "deadline" and step.status == StepStatus.RUNNING:
            timeout = run.flow.nodes[step.node_id].get("timeout")
            batch.touch(run, step)
            self._fail_attempt(batch, run, step, StepFailed(f"timed out after {timeout}"))

    def _run_again(self, batch: _Batch, run: RunRecord, step: StepRecord, mode: str) -> None:
        """A retrying or waiting step runs again: a new attempt, its timeout, or a response."""
        step.due_at = None
        step.move(StepStatus.RUNNING)
        batch.touch(run, step)
        self._settle_run(batch, run)
        self._dispatch(batch, run, step, mode)

    def _active_run(self, batch: _Batch, run_id: str, refusal: str) -> RunRecord:
        """The active run `run_id`, or NotFoundError / ConflictError (`refusal` names its settled status)."""
        run = self.runs.get(run_id)
        if run is not None:
            return run
        status = batch.conn.execute(select(_RUNS.c.status).where(_RUNS.c.id == run_id)).scalar()
        if status is None:
            raise NotFoundError(f"no run {run_id!r}")
        raise ConflictError(refusal.format(run_id=run_id, status=status))

    def _on_respond(self, batch: _Batch, message: _Respond) -> dict[str, Any]:
        run = self._active_run(batch, message.run_id, "run {run_id} is {status}; it takes no more responses")
        step = run.steps.get(message.node_id)
        choice = message.response.get("choice")
        if step is not None and step.status == StepStatus.RUNNING:
            return self._respond_early(batch, run, step, message.response)
        if step is None or step.status != StepStatus.WAITING or (step.wait or {}).get("kind") != "response":
            state = "has not started" if step is None else f"is {step.status}"
            raise ConflictError(f"step {message.node_id!r} {state}; it is not waiting for a response")
        responses = step.wait.get("responses") or []
        if choice not in responses:
            raise InvalidError(f"{choice!r} is not a response of {message.node_id!r}; "
                               f"choose one of: {', '.join(responses)}")
        step.wait = {**step.wait, "response": message.response, "resuming": "response"}
        self._run_again(batch, run, step, "resume")
        return {"run_id": run.id, "node_id": step.node_id, "choice": choice}

    def _respond_early(self, batch: _Batch, run: RunRecord, step: StepRecord,
                       response: dict[str, Any]) -> dict[str, Any]:
        """A response to a step still sending its pages (a link clicked at once, an escalation under way).

        It is kept with the step (committed) and taken as soon as the step starts waiting; if the
        step ends otherwise, it is dropped and logged. A second response meanwhile is refused.
        """
        wait = step.wait or {}
        earlier = wait.get("response") if wait.get("resuming") == "response" else wait.get("pending_response")
        if earlier:
            raise ConflictError(f"{earlier.get('user') or 'someone'} already chose {earlier.get('choice')!r} "
                                f"for {step.node_id!r}", responder=earlier.get("user"), response=earlier.get("choice"))
        if not getattr(run.flow.types[step.node_id], "waits_for_response", False):
            raise ConflictError(f"step {step.node_id!r} is running; it is not waiting for a response")
        choice = response.get("choice")
        responses = run.flow.nodes[step.node_id]["config"].get("responses")
        if isinstance(responses, list) and choice not in responses:
            raise InvalidError(f"{choice!r} is not a response of {step.node_id!r}; "
                               f"choose one of: {', '.join(map(str, responses))}")
        step.wait = {**wait, "pending_response": response}
        step.logs.append({"at": utcnow().isoformat(),
                          "message": f"response {choice!r} from {response.get('user')} arrived while the step "
                                     "was still sending; it is taken as soon as the step waits"})
        batch.touch(run, step)
        return {"run_id": run.id, "node_id": step.node_id, "choice": choice}

    def _on_cancel(self, batch: _Batch, message: _Cancel) -> dict[str, Any]:
        run = self._active_run(batch, message.run_id, "run {run_id} already {status}")
        for step in run.steps.values():
            if step.status == StepStatus.RUNNING:
                step.error = f"cancelled by {message.actor}"
                step.move(StepStatus.CANCELLED)
                batch.touch(run, step)
                batch.announce.append((signals.step_changed, self._step_payload(run, step, "step.finished")))
        self._stop_waiting_steps(batch, run, f"cancelled by {message.actor}")
        run.status, run.finished_at, run.error = RunStatus.CANCELLED, utcnow(), f"cancelled by {message.actor}"
        batch.touch(run)
        batch.announce.append((signals.run_changed, self._run_payload(run, "run.finished")))
        batch.after.append(lambda: self.runs.pop(run.id, None))
        return {"run_id": run.id, "status": str(run.status)}

    # -- persistence ---------------------------------------------------------------------------------

    def _flush(self, batch: _Batch) -> None:
        conn = batch.conn
        statements = hot(conn)  # every run writes these many times: straight to the driver
        if batch.events:
            statements.executemany(conn, _ADD_EVENTS, batch.events)
        if batch.timeline:
            statements.executemany(conn, _ADD_TIMELINE, batch.timeline)
        new_runs, old_runs = [], []
        for run in batch.runs.values():
            document = dump_flow(run.flow.document) if run.store_document and run.is_new else None
            row = run.row(document)
            if run.is_new:
                new_runs.append(row)
                run.is_new = False
            else:
                old_runs.append({"status": row["status"], "finished_at": row["finished_at"], "error": row["error"],
                                 "b_id": row["id"]})
        if new_runs:
            statements.executemany(conn, _ADD_RUNS, new_runs)
        if old_runs:
            statements.executemany(conn, _CHANGE_RUNS, old_runs)
        new_steps, old_steps = [], []
        for (run_id, _), step in batch.steps.items():
            row = step.row(run_id)
            if step.is_new:
                new_steps.append(row)
                step.is_new = False
            else:
                row["b_run_id"], row["b_node_id"] = row.pop("run_id"), row.pop("node_id")
                old_steps.append(row)
        if new_steps:
            statements.executemany(conn, _ADD_STEPS, new_steps)
        if old_steps:
            statements.executemany(conn, _CHANGE_STEPS, old_steps)

    def _add_timer(self, at: float, timer: _Timer) -> None:
        self._timer_seq += 1
        heapq.heappush(self._timers, (at, self._timer_seq, timer))
        self._inbox.put(None) if threading.current_thread() is not self._thread else None

    # -- recovery ------------------------------------------------------------------------------------

    def _recover(self) -> None:
        """Load runs that were running or waiting when the last process stopped, and go on with them."""
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(_RUNS).where(_RUNS.c.status.in_(["running", "waiting"]))).all()
        for row in rows:
            self._recover_run(row)

    def _recover_run(self, row: Any) -> None:
        with self.db.begin() as conn:
            batch = _Batch(conn)
            try:
                flow = self._flow_for(conn, row)
            except Exception as exc:  # the flow can no longer be compiled: the run cannot go on
                conn.execute(update(_RUNS).where(_RUNS.c.id == row.id).values(
                    status="failed", finished_at=utcnow(), error=f"cannot resume after restart: {exc}"))
                return
            event_row = conn.execute(select(_EVENTS.c.payload).where(_EVENTS.c.id == row.event_id)).first()
            incident = None
            if row.incident_id is not None:
                irow = conn.execute(select(_INCIDENTS).where(_INCIDENTS.c.id == row.incident_id)).first()
                incident = incident_dict(irow) if irow else None
            run = RunRecord(id=row.id, flow=flow, status=RunStatus(row.status), trigger_node=row.trigger_node,
                            event=event_row.payload if event_row else {}, incident=incident,
                            started_at=row.started_at, error=row.error, is_new=False, dry_run=row.dry_run,
                            replay_of=row.replay_of, choices=dict(row.choices or {}))
            for step_row in conn.execute(select(_STEPS).where(_STEPS.c.run_id == row.id)).all():
                run.steps[step_row.node_id] = StepRecord.from_row(step_row)
            self.runs[run.id] = run
            for step in run.steps.values():
                self._recover_step(batch, run, step)
            self._advance(batch, run, [node_id for node_id, s in run.steps.items() if s.status not in
                                       (StepStatus.RUNNING, StepStatus.WAITING, StepStatus.RETRYING)])
            self._settle_run(batch, run)
            self._run_instant(batch)
            self._flush(batch)
        for sig, payload in batch.announce:
            sig.send(self, **payload)
        for action in batch.after:
            action()

    def _recover_step(self, batch: _Batch, run: RunRecord, step: StepRecord) -> None:
        if step.status == StepStatus.RUNNING:
            resuming = (step.wait or {}).get("resuming")
            step.attempts += 1
            step.logs.append({"at": utcnow().isoformat(),
                              "message": "the server stopped during this step; running it again with the "
                                         f"same idempotency key {run.id}:{step.node_id}"})
            batch.touch(run, step)
            mode = {"response": "resume", "timeout": "timeout"}.get(resuming or "", "execute")
            self._dispatch(batch, run, step, mode)
        elif step.status in (StepStatus.RETRYING, StepStatus.WAITING) and step.due_at is not None:
            kind = "retry" if step.status == StepStatus.RETRYING else "wait"
            self._add_timer(step.due_at.timestamp(), _Timer(run.id, step.node_id, kind, step.attempts))

    def _flow_for(self, conn: Connection, row: Any) -> CompiledFlow:
        if row.flow_version is not None:
            text = conn.execute(select(FlowVersion.__table__.c.document).where(
                FlowVersion.__table__.c.flow_id == row.flow_id,
                FlowVersion.__table__.c.version == row.flow_version)).scalar()
            if text is None:
                raise LookupError(f"version {row.flow_version} of flow {row.flow_id!r} is gone")
        else:
            text = row.document
        return self.compile(json.loads(text), version=row.flow_version, revision=row.flow_revision)

    def compile(self, document: dict[str, Any], *, version: int | None, revision: int) -> CompiledFlow:
        """Compile (and cache) one version or revision of a flow for execution."""
        key = (document["id"], version, revision)
        flow = self._flow_cache.get(key) if version is not None else None
        if flow is None:
            flow = compile_flow(load_flow(document), self.registry.get, version=version, revision=revision)
            if version is not None:
                self._flow_cache[key] = flow
        return flow

    def _reload_after_failure(self, messages: list[Any]) -> None:
        run_ids = {getattr(m, "run_id", None) for m in messages} - {None}
        for run_id in run_ids:
            self.runs.pop(run_id, None)
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(_RUNS).where(_RUNS.c.id.in_(run_ids))).all() if run_ids else []
        for row in rows:
            if row.status in ("running", "waiting"):
                self._recover_run(row)

    # -- announcements -------------------------------------------------------------------------------

    @staticmethod
    def _run_payload(run: RunRecord, event: str) -> dict[str, Any]:
        return {"event": event, "run_id": run.id, "flow_id": run.flow.flow_id, "status": str(run.status),
                "incident_id": run.incident["id"] if run.incident else None, "trigger_node": run.trigger_node}

    @staticmethod
    def _step_payload(run: RunRecord, step: StepRecord, event: str) -> dict[str, Any]:
        return {"event": event, "run_id": run.id, "flow_id": run.flow.flow_id, "node_id": step.node_id,
                "status": str(step.status), "port": step.port, "attempts": step.attempts}


def _event_output(event: dict[str, Any]) -> dict[str, Any]:
    return {key: event[key] for key in ("id", "source", "dedup_key", "title", "severity", "state")}


def _label(run: RunRecord, step: StepRecord) -> str:
    label = run.flow.nodes[step.node_id].get("label")
    return f"{label} ({step.node_id})" if label else step.node_id


def _describe(error: BaseException) -> str:
    if isinstance(error, StepFailed | IntegrationError | TemplateError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _jsonable(value: Any) -> Any:
    """`value` as plain JSON data (datetimes and other objects become strings)."""
    return json.loads(json.dumps(value, default=str))


def _direct_explain(target: TriggerTarget, event: dict[str, Any], incident: dict[str, Any] | None,
                    action: str | None, run_id: str, options: RunOptions) -> dict[str, Any]:
    """The explanation of an event that started one run directly (a manual or test run, a replay)."""
    how = "a dry run" if options.dry_run else f"a replay of run {options.replay_of}" if options.replay_of else \
        "a manual or test run"
    return {"dedup_key": event["dedup_key"], "incident_id": incident["id"] if incident else None,
            "incident_action": action, "via": "direct",
            "matches": [{"flow_id": target.flow.flow_id, "node_id": target.node_id, "version": target.flow.version,
                         "accepted": True, "reason": f"started directly as {how}; match rules not applied",
                         "run_id": run_id}]}
