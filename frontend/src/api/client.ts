/** The HTTP API client: every request the canvas makes, and the one place snake_case becomes camelCase. */

import type { FlowDocument } from "../flow/document";
import type {
  FlowDetail,
  FlowSummary,
  Comparison,
  Hook,
  LastRun,
  LiveEvent,
  NodeComparison,
  NodeType,
  Problem,
  ReplayRequest,
  Run,
  RunFilter,
  RunPage,
  RunSummary,
  Step,
  StepBrief,
  Version,
  VersionSummary,
} from "./types";

type Wire = Record<string, any>;

/** An API answer that was not 2xx, with the server's message and any flow problems. */
export class ApiError extends Error {
  readonly status: number;
  readonly problems: Problem[];
  readonly fieldErrors: unknown;
  readonly body: Wire;

  constructor(status: number, body: Wire) {
    super(typeof body.message === "string" && body.message ? body.message : `The server answered ${status}.`);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    this.problems = Array.isArray(body.problems) ? body.problems.map(toProblem) : [];
    this.fieldErrors = body.errors ?? null;
  }
}

/** A save refused because someone else saved the same flow meanwhile. */
export class ConflictError extends ApiError {
  readonly currentRevision: number;
  readonly currentDocument: FlowDocument | null;

  constructor(body: Wire) {
    super(409, body);
    this.name = "ConflictError";
    this.currentRevision = Number(body.current_revision ?? 0);
    this.currentDocument = (body.current_document as FlowDocument) ?? null;
  }
}

const unauthorizedListeners = new Set<() => void>();

/** Call `listener` whenever the server answers 401 (except to a sign-in attempt): the session has ended. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  // X-Requested-With: the server's CSRF check for requests that sign in with the session cookie.
  const headers = { Accept: "application/json", "X-Requested-With": "mendflow" };
  const init: RequestInit = { method, signal, headers, credentials: "same-origin" };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, "Content-Type": "application/json" };
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, { message: "The server cannot be reached. Check that mendflow is running." });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: Wire = {};
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 300) };
    }
  }
  if (response.status === 401 && path !== "/api/auth/login") for (const l of unauthorizedListeners) l();
  if (response.status === 409 && path.startsWith("/api/flows/")) throw new ConflictError(data);
  if (!response.ok) throw new ApiError(response.status, data);
  return data as T;
}

// ---- wire -> camelCase -------------------------------------------------------------------------

export function toProblem(p: Wire): Problem {
  return {
    code: String(p.code ?? "problem"),
    message: String(p.message ?? ""),
    nodeId: p.node_id ?? null,
    edgeId: p.edge_id ?? null,
    field: p.field ?? null,
  };
}

/** `x-widget` (as apispec writes it) and `x_widget` (as docs/api.md spells it) both become `x_widget`. */
function normalizeSchema(schema: Wire | undefined): Wire {
  const s: Wire = { ...(schema ?? { type: "object", properties: {} }) };
  if (s.properties) {
    s.properties = Object.fromEntries(
      Object.entries(s.properties as Wire).map(([k, p]: [string, Wire]) => {
        const widget = p.x_widget ?? p["x-widget"];
        const items = p.items && (p.items.x_widget ?? p.items["x-widget"]) ? { ...p.items, x_widget: p.items.x_widget ?? p.items["x-widget"] } : p.items;
        return [k, widget ? { ...p, x_widget: widget, ...(items ? { items } : {}) } : items ? { ...p, items } : p];
      }),
    );
  }
  return s;
}

function toNodeType(t: Wire): NodeType {
  return {
    type: t.type,
    version: t.version ?? 1,
    category: t.category ?? "other",
    title: t.title ?? t.type,
    description: t.description ?? "",
    icon: t.icon ?? "",
    isTrigger: Boolean(t.is_trigger),
    configSchema: normalizeSchema(t.config_schema),
    ports: { fromConfig: t.ports?.from_config ?? null, fixed: t.ports?.fixed ?? [] },
    sampleEvent: t.sample_event ?? null,
  };
}

function toLastRun(r: Wire | null | undefined): LastRun | null {
  if (!r) return null;
  return { id: String(r.id), status: r.status, startedAt: r.started_at ?? null, finishedAt: r.finished_at ?? null };
}

function toFlowSummary(f: Wire): FlowSummary {
  return {
    id: f.id,
    name: f.name ?? f.id,
    description: f.description ?? "",
    revision: f.revision ?? 0,
    publishedVersion: f.published_version ?? null,
    active: Boolean(f.active),
    status: f.status ?? "draft",
    valid: f.valid ?? true,
    updatedAt: f.updated_at ?? null,
    lastRun: toLastRun(f.last_run),
  };
}

function toHook(h: Wire): Hook {
  return { nodeId: h.node_id, token: h.token, url: h.url };
}

function toFlowDetail(f: Wire): FlowDetail {
  return {
    ...toFlowSummary(f),
    document: f.document,
    problems: (f.problems ?? []).map(toProblem),
    hooks: (f.hooks ?? []).map(toHook),
  };
}

function toVersionSummary(v: Wire): VersionSummary {
  return { version: v.version, revision: v.revision, publishedAt: v.published_at ?? null, name: v.name ?? "" };
}

function toStep(s: Wire): Step {
  return {
    nodeId: s.node_id,
    nodeType: s.node_type,
    status: s.status,
    port: s.port ?? null,
    attempts: s.attempts ?? 0,
    startedAt: s.started_at ?? null,
    finishedAt: s.finished_at ?? null,
    durationMs: s.duration_ms ?? null,
    config: s.config ?? null,
    output: s.output ?? null,
    error: s.error ?? null,
    logs: s.logs ?? null,
    wait: s.wait ? { kind: s.wait.kind, responses: s.wait.responses ?? [], until: s.wait.until ?? null } : null,
  };
}

function toRunSummary(r: Wire): RunSummary {
  return {
    id: String(r.id),
    flowId: r.flow_id,
    flowName: r.flow_name ?? r.flow_id,
    flowVersion: r.flow_version ?? null,
    flowRevision: r.flow_revision ?? null,
    status: r.status,
    triggerNode: r.trigger_node ?? null,
    eventId: r.event_id ?? null,
    incidentId: r.incident_id ?? null,
    startedAt: r.started_at ?? null,
    finishedAt: r.finished_at ?? null,
    durationMs: r.duration_ms ?? null,
    error: r.error ?? null,
    dryRun: Boolean(r.dry_run),
    replayOf: r.replay_of ?? null,
    eventTitle: r.event_title ?? null,
  };
}

function toStepBrief(s: Wire | null | undefined): StepBrief | null {
  if (!s) return null;
  return { status: s.status, port: s.port ?? null, attempts: s.attempts ?? 0, durationMs: s.duration_ms ?? null, error: s.error ?? null };
}

function toNodeComparison(n: Wire): NodeComparison {
  return {
    nodeId: n.node_id,
    left: toStepBrief(n.left),
    right: toStepBrief(n.right),
    samePath: Boolean(n.same_path),
    outputDiff: (n.output_diff ?? []).map((d: Wire) => ({ path: String(d.path), left: d.left ?? null, right: d.right ?? null })),
  };
}

/** A Socket.IO payload (`{run_id, flow_id, node_id, status, port, attempts}`) in camelCase. */
export function toLiveEvent(name: string, p: Wire | null | undefined, receivedAt = Date.now()): LiveEvent {
  const d = p ?? {};
  return {
    name,
    runId: d.run_id != null ? String(d.run_id) : null,
    flowId: d.flow_id ?? null,
    nodeId: d.node_id ?? null,
    status: d.status ?? null,
    port: d.port ?? null,
    attempts: typeof d.attempts === "number" ? d.attempts : null,
    incidentId: d.incident_id ?? null,
    triggerNode: d.trigger_node ?? null,
    receivedAt,
  };
}

function toRun(r: Wire): Run {
  return { ...toRunSummary(r), event: r.event ?? {}, steps: (r.steps ?? []).map(toStep) };
}

const enc = encodeURIComponent;

// ---- the calls ----------------------------------------------------------------------------------

export const api = {
  async nodeTypes(): Promise<NodeType[]> {
    const data = await request<Wire>("GET", "/api/node-types");
    return (data.items ?? []).map(toNodeType);
  },

  async listFlows(q = "", signal?: AbortSignal): Promise<FlowSummary[]> {
    const query = q ? `?q=${enc(q)}` : "";
    const data = await request<Wire>("GET", `/api/flows${query}`, undefined, signal);
    return (data.items ?? []).map(toFlowSummary);
  },

  async getFlow(id: string): Promise<FlowDetail> {
    return toFlowDetail(await request<Wire>("GET", `/api/flows/${enc(id)}`));
  },

  async createFlow(document: FlowDocument): Promise<FlowDetail> {
    return toFlowDetail(await request<Wire>("POST", "/api/flows", document));
  },

  /** Save the draft; throws ConflictError when `baseRevision` is no longer the latest. */
  async saveFlow(id: string, document: FlowDocument, baseRevision: number): Promise<FlowDetail> {
    return toFlowDetail(await request<Wire>("PUT", `/api/flows/${enc(id)}`, { document, base_revision: baseRevision }));
  },

  async deleteFlow(id: string): Promise<void> {
    await request<void>("DELETE", `/api/flows/${enc(id)}`);
  },

  async duplicateFlow(id: string, name?: string): Promise<FlowDetail> {
    return toFlowDetail(await request<Wire>("POST", `/api/flows/${enc(id)}/duplicate`, name ? { name } : {}));
  },

  async publishFlow(id: string, baseRevision: number): Promise<FlowDetail> {
    return toFlowDetail(await request<Wire>("POST", `/api/flows/${enc(id)}/publish`, { base_revision: baseRevision }));
  },

  async setActive(id: string, active: boolean): Promise<FlowDetail> {
    return toFlowDetail(await request<Wire>("POST", `/api/flows/${enc(id)}/activation`, { active }));
  },

  async versions(id: string): Promise<VersionSummary[]> {
    const data = await request<Wire>("GET", `/api/flows/${enc(id)}/versions`);
    return (data.items ?? []).map(toVersionSummary);
  },

  async version(id: string, n: number): Promise<Version> {
    const v = await request<Wire>("GET", `/api/flows/${enc(id)}/versions/${n}`);
    return { version: v.version, revision: v.revision, publishedAt: v.published_at ?? null, document: v.document };
  },

  /** Check a document; answers the problems (an empty list when the flow is valid). */
  async validate(document: FlowDocument, signal?: AbortSignal): Promise<Problem[]> {
    try {
      const data = await request<Wire>("POST", "/api/flows/validate", document, signal);
      return (data.problems ?? []).map(toProblem);
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        if (err.problems.length) return err.problems;
        return [{ code: "shape", message: err.message, nodeId: null, edgeId: null, field: null }];
      }
      throw err;
    }
  },

  async importFlow(document: FlowDocument, asNew: boolean): Promise<FlowDetail> {
    const query = asNew ? "?as_new=true" : "";
    return toFlowDetail(await request<Wire>("POST", `/api/flows/import${query}`, document));
  },

  /** The URL of the server's export: the bytes of flows/*.json, offered as a download. */
  exportUrl(id: string, version: "draft" | number = "draft"): string {
    return `/api/flows/${enc(id)}/export?version=${version}`;
  },

  async startRun(flowId: string, event: unknown, trigger: string | null, version: "draft" | number = "draft", dryRun = false): Promise<string> {
    const body: Wire = { event, version: String(version) };
    if (trigger) body.trigger = trigger;
    if (dryRun) body.dry_run = true;
    const data = await request<Wire>("POST", `/api/flows/${enc(flowId)}/runs`, body);
    return String(data.run_id);
  },

  async getRun(id: string): Promise<Run> {
    return toRun(await request<Wire>("GET", `/api/runs/${enc(id)}`));
  },

  /** A flow's runs, newest first: `GET /api/runs?flow_id=&status=&since=&until=`. */
  async listRuns(flowId: string, filter?: Partial<RunFilter>, limit = 50, signal?: AbortSignal): Promise<RunPage> {
    const q = new URLSearchParams({ flow_id: flowId, limit: String(limit) });
    for (const s of filter?.statuses ?? []) q.append("status", s);
    if (filter?.since) q.set("since", filter.since);
    if (filter?.until) q.set("until", filter.until);
    const data = await request<Wire>("GET", `/api/runs?${q}`, undefined, signal);
    return { items: (data.items ?? []).map(toRunSummary), total: data.total ?? 0 };
  },

  /** Run a past run's event again; answers the new run's id. */
  async replayRun(runId: string, req: ReplayRequest): Promise<string> {
    const body: Wire = { version: String(req.version), dry_run: req.dryRun };
    if (Object.keys(req.choices).length) body.choices = req.choices;
    const data = await request<Wire>("POST", `/api/runs/${enc(runId)}/replay`, body);
    return String(data.run_id);
  },

  async compareRuns(left: string, right: string): Promise<Comparison> {
    const c = await request<Wire>("GET", `/api/runs/compare?left=${enc(left)}&right=${enc(right)}`);
    return { left: toRunSummary(c.left), right: toRunSummary(c.right), samePath: Boolean(c.same_path), nodes: (c.nodes ?? []).map(toNodeComparison) };
  },

  async respond(runId: string, nodeId: string, choice: string, user: string): Promise<void> {
    await request<void>("POST", `/api/runs/${enc(runId)}/steps/${enc(nodeId)}/response`, { choice, user });
  },

  async cancelRun(runId: string): Promise<void> {
    await request<void>("POST", `/api/runs/${enc(runId)}/cancel`);
  },
};
