/** A run painted over its flow: live events applied to a run, and the edges the run took. */

import type { LiveEvent, Run, RunStatus, Step, StepStatus } from "../api/types";
import { SETTLED_RUN_STATUSES, SETTLED_STEP_STATUSES } from "../api/types";
import { DEFAULT_PORT } from "./adapter";

const isSettledStep = (s: Step) => SETTLED_STEP_STATUSES.includes(s.status);

/** `run` with one live event applied (a step's status, port and attempts, or the run's status). An event that
 *  would take a settled step or run back to a state before it is late news (sent before what is shown): ignored. */
export function applyLiveEvent(run: Run, e: LiveEvent): Run {
  if (e.runId !== run.id || !e.status) return run;
  if (e.name.startsWith("run.")) {
    const late = SETTLED_RUN_STATUSES.includes(run.status) && !SETTLED_RUN_STATUSES.includes(e.status as RunStatus);
    let next = run.status === e.status || late ? run : { ...run, status: e.status as RunStatus };
    // The trigger's step succeeded with the run; no step event says so.
    if (e.triggerNode && !run.steps.some((s) => s.nodeId === e.triggerNode))
      next = applyLiveEvent(next, { ...e, name: "step.finished", nodeId: e.triggerNode, status: "succeeded", port: "out", attempts: 1 });
    return next;
  }
  if (!e.name.startsWith("step.") || !e.nodeId) return run;
  const i = run.steps.findIndex((s) => s.nodeId === e.nodeId);
  const status = e.status as StepStatus;
  if (i < 0) {
    const now = new Date(e.receivedAt).toISOString();
    const step: Step = {
      nodeId: e.nodeId,
      nodeType: "",
      status,
      port: e.port,
      attempts: e.attempts ?? 1,
      startedAt: now,
      finishedAt: SETTLED_STEP_STATUSES.includes(status) ? now : null,
      durationMs: null,
      config: null,
      output: null,
      error: null,
      logs: null,
      wait: null,
    };
    return { ...run, steps: [...run.steps, step] };
  }
  const old = run.steps[i];
  if (isSettledStep(old) && !SETTLED_STEP_STATUSES.includes(status)) return run;
  const step: Step = { ...old, status, port: e.port ?? (SETTLED_STEP_STATUSES.includes(status) ? old.port : null), attempts: e.attempts ?? old.attempts };
  if (step.status !== "waiting") step.wait = old.status === "waiting" && status === "waiting" ? old.wait : null;
  const steps = run.steps.slice();
  steps[i] = step;
  return { ...run, steps };
}

/** A run known only from a live event: its id, flow and status, and no steps yet. */
export function provisionalRun(runId: string, first: LiveEvent): Run {
  return {
    id: runId,
    flowId: first.flowId ?? "",
    flowName: "",
    flowVersion: null,
    flowRevision: null,
    status: "running",
    triggerNode: null,
    eventId: null,
    incidentId: first.incidentId != null ? String(first.incidentId) : null,
    startedAt: new Date(first.receivedAt).toISOString(),
    finishedAt: null,
    durationMs: null,
    error: null,
    dryRun: false,
    replayOf: null,
    eventTitle: null,
    event: {},
    steps: [],
  };
}

/** A fresh read of a run merged with what is shown: the read wins, except where it is older than what live events
 *  already showed (it was answered before they were sent): a settled step or run is never taken back to running,
 *  and a step the read does not have yet is kept. */
export function mergeRun(shown: Run | null, fresh: Run): Run {
  if (!shown || shown.id !== fresh.id) return fresh;
  const before = new Map(shown.steps.map((s) => [s.nodeId, s]));
  const seen = new Set<string>();
  let changed = false;
  const steps = fresh.steps.map((s) => {
    seen.add(s.nodeId);
    const old = before.get(s.nodeId);
    if (old && isSettledStep(old) && !isSettledStep(s)) {
      changed = true;
      return old;
    }
    return s;
  });
  for (const s of shown.steps)
    if (!seen.has(s.nodeId)) {
      steps.push(s);
      changed = true;
    }
  const late = SETTLED_RUN_STATUSES.includes(shown.status) && !SETTLED_RUN_STATUSES.includes(fresh.status);
  if (!changed && !late) return fresh;
  return { ...fresh, status: late ? shown.status : fresh.status, steps };
}

/** When a re-read reveals several steps changed at once, the runs in between, one step at a time in the order
 *  the steps changed: the canvas lights them up node by node instead of all together. The last one is `next`. */
export function stepsInOrder(prev: Run | null, next: Run): Run[] {
  if (!prev || prev.id !== next.id) return [next];
  const before = new Map(prev.steps.map((s) => [s.nodeId, s]));
  const changed = next.steps.filter((s) => {
    const b = before.get(s.nodeId);
    return !b || b.status !== s.status || b.port !== s.port;
  });
  if (changed.length < 2) return [next];
  const when = (s: Step) => s.finishedAt ?? s.startedAt ?? "";
  changed.sort((a, b) => (when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0));
  const out: Run[] = [];
  const applied = new Set<string>();
  for (const c of changed.slice(0, -1)) {
    applied.add(c.nodeId);
    const steps = next.steps
      .filter((s) => before.has(s.nodeId) || applied.has(s.nodeId))
      .map((s) => (applied.has(s.nodeId) || !before.has(s.nodeId) ? s : (before.get(s.nodeId) as Step)));
    out.push({ ...prev, steps });
  }
  out.push(next);
  return out;
}

export type EdgeRunState = "taken" | "flowing";

interface EdgeLike {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
}

/** The edges a run went through: its source step left through the edge's port. "flowing" while the target works. */
export function runEdges(edges: EdgeLike[], steps: Map<string, Step>): Map<string, EdgeRunState> {
  const out = new Map<string, EdgeRunState>();
  if (!steps.size) return out;
  for (const e of edges) {
    const src = steps.get(e.source);
    if (!src || !src.port || !SETTLED_STEP_STATUSES.includes(src.status)) continue;
    if (src.port !== (e.sourceHandle || DEFAULT_PORT)) continue;
    const dst = steps.get(e.target);
    out.set(e.id, dst && (dst.status === "running" || dst.status === "retrying" || dst.status === "waiting") ? "flowing" : "taken");
  }
  return out;
}
