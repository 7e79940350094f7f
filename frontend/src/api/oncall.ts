/** The incident, alert, schedule and on-call calls of docs/oncall.md, and their snake_case -> camelCase mapping. */

import { ApiError, request } from "./client";
import type {
  Alert,
  Entity,
  EventExplanation,
  Incident,
  IncidentEvent,
  IncidentLink,
  IncidentRun,
  IncidentStatus,
  IncidentSummary,
  Layer,
  MyAlert,
  Notification,
  OnCallEntry,
  Override,
  Person,
  Restriction,
  ScheduleShifts,
  ScheduleSummary,
  Shift,
  Team,
  TimelineEntry,
  TriggerVerdict,
} from "./oncallTypes";

type Wire = Record<string, any>;

const enc = encodeURIComponent;

function str(v: unknown, fallback = ""): string {
  return v === null || v === undefined ? fallback : String(v);
}

function strOrNull(v: unknown): string | null {
  return v === null || v === undefined || v === "" ? null : String(v);
}

function items(data: unknown, key = "items"): Wire[] {
  if (Array.isArray(data)) return data;
  const list = (data as Wire | null)?.[key];
  return Array.isArray(list) ? list : [];
}

/** A user named by id or given as `{id, name}`. */
function userRef(v: unknown, name?: unknown): { id: string; name: string | null } {
  if (v && typeof v === "object") {
    const u = v as Wire;
    return { id: str(u.id ?? u.user_id), name: strOrNull(u.name ?? name) };
  }
  return { id: str(v), name: strOrNull(name) };
}

// ---- incidents ----------------------------------------------------------------------------------

export function toEntity(e: unknown): Entity {
  if (e && typeof e === "object") {
    const o = e as Wire;
    const name = o.name ?? o.displayName ?? o.entity ?? o.id ?? o.entityId ?? JSON.stringify(o);
    return { name: str(typeof name === "object" ? (name.name ?? JSON.stringify(name)) : name), kind: strOrNull(o.type ?? o.kind) };
  }
  return { name: str(e), kind: null };
}

export function toLink(l: unknown): IncidentLink | null {
  if (typeof l === "string") return l ? { url: l, text: l } : null;
  if (l && typeof l === "object") {
    const o = l as Wire;
    const url = o.url ?? o.href ?? o.link;
    if (!url) return null;
    return { url: str(url), text: str(o.text ?? o.title ?? o.label ?? o.name ?? url) };
  }
  return null;
}

export function toIncidentSummary(i: Wire): IncidentSummary {
  return {
    id: Number(i.id),
    dedupKey: str(i.dedup_key),
    title: str(i.title, `Incident ${i.id}`),
    severity: str(i.severity, "warning"),
    status: (i.status ?? "triggered") as IncidentStatus,
    service: strOrNull(i.service),
    entities: (Array.isArray(i.entities) ? i.entities : []).map(toEntity),
    links: (Array.isArray(i.links) ? i.links : []).map(toLink).filter((l: IncidentLink | null): l is IncidentLink => l !== null),
    eventCount: Number(i.event_count ?? 0),
    createdAt: i.created_at ?? null,
    acknowledgedAt: i.acknowledged_at ?? null,
    resolvedAt: i.resolved_at ?? null,
  };
}

export function toTimelineEntry(t: Wire): TimelineEntry {
  return {
    id: t.id ?? null,
    at: str(t.at),
    kind: str(t.kind, "note"),
    actor: str(t.actor, "mendflow"),
    message: str(t.message),
    data: t.data && typeof t.data === "object" ? t.data : {},
    runId: strOrNull(t.run_id),
    nodeId: strOrNull(t.node_id),
  };
}

function toVerdict(t: Wire): TriggerVerdict {
  const accepted = t.accepted ?? t.matched ?? t.match ?? t.started ?? Boolean(t.run_id);
  return {
    flowId: str(t.flow_id),
    flowName: str(t.flow_name ?? t.flow_id),
    nodeId: str(t.node_id ?? t.trigger ?? t.trigger_node),
    nodeLabel: strOrNull(t.node_label ?? t.label),
    nodeType: strOrNull(t.node_type ?? t.type),
    version: t.version ?? t.flow_version ?? null,
    accepted: Boolean(accepted),
    reason: str(t.reason ?? t.why ?? t.message),
    runId: strOrNull(t.run_id),
  };
}

export function toExplanation(x: Wire | null | undefined): EventExplanation | null {
  if (!x || typeof x !== "object") return null;
  const incident = x.incident && typeof x.incident === "object" ? x.incident : null;
  return {
    triggers: (Array.isArray(x.matches) ? x.matches : items(x, "triggers")).map(toVerdict),
    dedupKey: strOrNull(x.dedup_key),
    incidentId: x.incident_id ?? incident?.id ?? null,
    incidentAction: strOrNull(x.incident_action ?? x.action ?? incident?.action),
    runs: (Array.isArray(x.runs) ? x.runs : []).map((r: unknown) => str(r && typeof r === "object" ? (r as Wire).id : r)),
    summary: strOrNull(x.summary),
    via: strOrNull(x.via),
  };
}

function toIncidentEvent(e: Wire): IncidentEvent {
  return {
    id: str(e.id),
    receivedAt: e.received_at ?? null,
    source: str(e.source),
    title: str(e.title),
    severity: str(e.severity),
    state: str(e.state),
    dedupKey: str(e.dedup_key),
    explanation: toExplanation(e.explanation ?? e.explain),
  };
}

export function toNotification(n: Wire): Notification {
  const user = userRef(n.user ?? n.user_id, n.user_name);
  return {
    id: n.id ?? null,
    userId: user.id,
    userName: user.name,
    channel: str(n.channel),
    address: str(n.address),
    status: str(n.status, "sent"),
    error: strOrNull(n.error),
    level: n.level ?? null,
    round: n.round ?? null,
    via: str(n.via),
    reason: str(n.reason),
    sentAt: n.sent_at ?? null,
  };
}

export function toAlert(a: Wire): Alert {
  return {
    id: Number(a.id),
    runId: str(a.run_id),
    nodeId: str(a.node_id),
    incidentId: a.incident_id ?? null,
    recipients: Array.isArray(a.recipients) ? a.recipients.map(String) : [],
    subject: str(a.subject),
    message: str(a.message),
    responses: Array.isArray(a.responses) ? a.responses.map(String) : [],
    status: str(a.status, "open"),
    response: strOrNull(a.response),
    responder: strOrNull(a.responder),
    createdAt: a.created_at ?? null,
    expiresAt: a.expires_at ?? null,
    notifications: items(a, "notifications").map(toNotification),
  };
}

function toIncidentRun(r: Wire): IncidentRun {
  return {
    id: str(r.id ?? r.run_id),
    flowId: str(r.flow_id),
    flowName: str(r.flow_name ?? r.flow_id),
    status: str(r.status),
    startedAt: r.started_at ?? null,
    finishedAt: r.finished_at ?? null,
  };
}

export function toIncident(i: Wire): Incident {
  return {
    ...toIncidentSummary(i),
    timeline: items(i, "timeline").map(toTimelineEntry),
    events: items(i, "events").map(toIncidentEvent),
    alerts: items(i, "alerts").map(toAlert),
    runs: items(i, "runs").map(toIncidentRun),
  };
}

function toMyAlert(a: Wire): MyAlert {
  const incident = a.incident && typeof a.incident === "object" ? a.incident : null;
  const recent = a.recent_timeline ?? a.timeline ?? incident?.recent_timeline ?? incident?.timeline ?? [];
  return {
    ...toAlert(a),
    incident: incident ? toIncidentSummary(incident) : null,
    recentTimeline: (Array.isArray(recent) ? recent : []).map(toTimelineEntry),
  };
}

// ---- people and schedules -----------------------------------------------------------------------

function toPerson(u: Wire): Person {
  return { id: str(u.id), name: str(u.name ?? u.id), email: str(u.email), role: str(u.role), timeZone: str(u.time_zone, "UTC") };
}

function toTeam(t: Wire): Team {
  const members = Array.isArray(t.members) ? t.members.map((m: unknown) => userRef(m).id) : [];
  return { id: str(t.id), name: str(t.name ?? t.id), description: str(t.description), members };
}

function toRestriction(r: Wire): Restriction {
  return {
    kind: r.kind === "daily" ? "daily" : "weekly",
    startDay: r.start_day ?? null,
    startTime: str(r.start_time, "09:00"),
    endDay: r.end_day ?? null,
    endTime: str(r.end_time, "17:00"),
  };
}

const LAYER_KEYS = new Set(["name", "users", "rotation", "shift_length", "start", "time_zone", "restrictions"]);

function toLayer(l: Wire): Layer {
  return {
    name: str(l.name),
    users: Array.isArray(l.users) ? l.users.map((u: unknown) => userRef(u).id) : [],
    rotation: str(l.rotation, "weekly"),
    shiftLength: strOrNull(l.shift_length),
    start: str(l.start),
    timeZone: str(l.time_zone, "UTC"),
    restrictions: items(l, "restrictions").map(toRestriction),
    extra: Object.fromEntries(Object.entries(l).filter(([k]) => !LAYER_KEYS.has(k))),
  };
}

/** A layer on the wire, as PUT /api/schedules/<id> takes it; restrictions keep only the keys their kind uses. */
export function layerToWire(l: Layer): Wire {
  const wire: Wire = {
    ...l.extra,
    name: l.name,
    users: l.users,
    rotation: l.rotation,
    start: l.start,
    time_zone: l.timeZone,
    restrictions: l.restrictions.map((r) =>
      r.kind === "daily"
        ? { kind: "daily", start_time: r.startTime, end_time: r.endTime }
        : { kind: "weekly", start_day: r.startDay ?? 0, start_time: r.startTime, end_day: r.endDay ?? 0, end_time: r.endTime },
    ),
  };
  if (l.rotation === "custom" || l.shiftLength) wire.shift_length = l.shiftLength ?? "";
  return wire;
}

function toSchedule(s: Wire): ScheduleSummary {
  return {
    id: str(s.id),
    name: str(s.name ?? s.id),
    description: str(s.description),
    timeZone: str(s.time_zone, "UTC"),
    teamId: strOrNull(s.team_id),
    layers: items(s, "layers").map(toLayer),
  };
}

function toOverride(o: Wire): Override {
  const user = userRef(o.user ?? o.user_id, o.user_name);
  return {
    id: str(o.id),
    userId: user.id,
    userName: user.name,
    start: str(o.start),
    end: str(o.end),
    note: str(o.note),
    createdBy: str(o.created_by),
  };
}

function toShift(s: Wire): Shift {
  const user = userRef(s.user ?? s.user_id, s.user_name);
  return {
    userId: user.id,
    userName: user.name,
    start: str(s.start),
    end: str(s.end),
    source: str(s.source, "layer"),
    layer: s.layer ?? null,
    layerName: strOrNull(s.layer_name),
    overrideId: strOrNull(s.override_id),
  };
}

function toOnCall(o: Wire, schedule?: Wire): OnCallEntry {
  const user = userRef(o.user ?? o.user_id, o.user_name);
  const reason = o.reason && typeof o.reason === "object" ? (o.reason.text ?? o.reason.message ?? JSON.stringify(o.reason)) : o.reason;
  return {
    userId: user.id,
    userName: user.name,
    scheduleId: strOrNull(o.schedule_id ?? schedule?.id),
    scheduleName: strOrNull(o.schedule_name ?? schedule?.name),
    teamId: strOrNull(o.team_id ?? schedule?.team_id),
    reason: str(reason),
    until: o.until ?? o.end ?? null,
    layerName: strOrNull(o.layer_name),
    overrideId: strOrNull(o.override_id),
  };
}

// ---- errors at the field ------------------------------------------------------------------------

const LOCATIONS = new Set(["json", "query", "form", "headers", "files", "path", "view_args", "cookies"]);

/** `layers[0].users` and `layers.0.users` alike become `layers.0.users`. */
function normalizePath(path: string): string {
  return path.replace(/\[(\w+)\]/g, ".$1").replace(/^\./, "");
}

/**
 * Every message of an API error by field path: marshmallow's `errors` map (`{json: {layers: {0: {users: [..]}}}}`
 * becomes `layers.0.users`) and a domain error's `field`; a message that names no field is under "".
 */
export function errorPaths(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return { "": err instanceof Error ? err.message : String(err) };
  const out: Record<string, string> = {};
  const put = (path: string, message: string) => {
    out[path] = out[path] ? `${out[path]} ${message}` : message;
  };
  const walk = (value: unknown, path: string) => {
    if (typeof value === "string") put(path, value);
    else if (Array.isArray(value)) value.forEach((v) => (typeof v === "string" ? put(path, v) : walk(v, path)));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value as Wire)) walk(v, k === "_schema" ? path : path ? `${path}.${k}` : k);
    }
  };
  // webargs nests by location ({json: {...}}); the domain's own validation does not ({layers: {...}})
  const errors = err.fieldErrors as Wire | null;
  if (errors && typeof errors === "object") {
    const keys = Object.keys(errors);
    if (keys.length && keys.every((k) => LOCATIONS.has(k))) for (const location of Object.values(errors)) walk(location, "");
    else walk(errors, "");
  }
  if (!Object.keys(out).length) put(normalizePath(str(err.body.field)), err.message);
  return out;
}

/** errorPaths() for a flat form: messages for fields not in `known` are joined under "" (shown above the form). */
export function fieldErrors(err: unknown, known: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(errorPaths(err))) {
    const key = known.includes(path) ? path : "";
    out[key] = out[key] ? `${out[key]} ${message}` : message;
  }
  return out;
}

// ---- the calls ----------------------------------------------------------------------------------

export interface IncidentFilter {
  status?: string;
  severity?: string;
  q?: string;
}

export const oncallApi = {
  async listIncidents(filter: IncidentFilter = {}, signal?: AbortSignal): Promise<IncidentSummary[]> {
    const q = new URLSearchParams();
    if (filter.status) q.set("status", filter.status);
    if (filter.severity) q.set("severity", filter.severity);
    if (filter.q) q.set("q", filter.q);
    const query = q.toString();
    const data = await request<Wire>("GET", `/api/incidents${query ? `?${query}` : ""}`, undefined, signal);
    return items(data).map(toIncidentSummary);
  },

  async getIncident(id: number | string, signal?: AbortSignal): Promise<Incident> {
    return toIncident(await request<Wire>("GET", `/api/incidents/${enc(String(id))}`, undefined, signal));
  },

  async acknowledge(id: number, note?: string): Promise<void> {
    await request<Wire>("POST", `/api/incidents/${id}/acknowledge`, note ? { note } : {});
  },

  async resolve(id: number, note?: string): Promise<void> {
    await request<Wire>("POST", `/api/incidents/${id}/resolve`, note ? { note } : {});
  },

  async explainEvent(id: string): Promise<EventExplanation | null> {
    return toExplanation(await request<Wire>("GET", `/api/events/${enc(id)}/explain`));
  },

  async explainAlert(id: number): Promise<Notification[]> {
    return items(await request<Wire>("GET", `/api/alerts/${id}/explain`), "notifications").map(toNotification);
  },

  async myAlerts(signal?: AbortSignal): Promise<MyAlert[]> {
    return items(await request<Wire>("GET", "/api/me/alerts", undefined, signal)).map(toMyAlert);
  },

  async respond(alertId: number, choice: string, comment?: string): Promise<void> {
    await request<Wire>("POST", `/api/alerts/${alertId}/response`, comment ? { choice, comment } : { choice });
  },

  async users(signal?: AbortSignal): Promise<Person[]> {
    return items(await request<Wire>("GET", "/api/users", undefined, signal)).map(toPerson);
  },

  async teams(signal?: AbortSignal): Promise<Team[]> {
    return items(await request<Wire>("GET", "/api/teams", undefined, signal)).map(toTeam);
  },

  async schedules(signal?: AbortSignal): Promise<ScheduleSummary[]> {
    return items(await request<Wire>("GET", "/api/schedules", undefined, signal)).map(toSchedule);
  },

  async schedule(id: string, signal?: AbortSignal): Promise<ScheduleSummary> {
    return toSchedule(await request<Wire>("GET", `/api/schedules/${enc(id)}`, undefined, signal));
  },

  async createSchedule(s: { id: string; name: string; timeZone: string; teamId: string | null; description: string }): Promise<ScheduleSummary> {
    const body = { id: s.id, name: s.name, time_zone: s.timeZone, team_id: s.teamId, description: s.description, layers: [] };
    return toSchedule(await request<Wire>("POST", "/api/schedules", body));
  },

  async saveSchedule(s: ScheduleSummary): Promise<ScheduleSummary> {
    const body = {
      name: s.name,
      description: s.description,
      time_zone: s.timeZone,
      team_id: s.teamId,
      layers: s.layers.map(layerToWire),
    };
    return toSchedule(await request<Wire>("PUT", `/api/schedules/${enc(s.id)}`, body));
  },

  async overrides(scheduleId: string, signal?: AbortSignal): Promise<Override[]> {
    return items(await request<Wire>("GET", `/api/schedules/${enc(scheduleId)}/overrides`, undefined, signal)).map(toOverride);
  },

  async addOverride(scheduleId: string, o: { userId: string; start: string; end: string; note?: string }): Promise<Override> {
    const body: Wire = { user: o.userId, start: o.start, end: o.end };
    if (o.note) body.note = o.note;
    return toOverride(await request<Wire>("POST", `/api/schedules/${enc(scheduleId)}/overrides`, body));
  },

  async deleteOverride(scheduleId: string, overrideId: string): Promise<void> {
    await request<void>("DELETE", `/api/schedules/${enc(scheduleId)}/overrides/${enc(overrideId)}`);
  },

  async shifts(scheduleId: string, start: Date, end: Date, signal?: AbortSignal): Promise<ScheduleShifts> {
    const q = new URLSearchParams({ start: start.toISOString(), end: end.toISOString() });
    const data = await request<Wire>("GET", `/api/schedules/${enc(scheduleId)}/shifts?${q}`, undefined, signal);
    return {
      layers: items(data, "layers").map((l) => ({ name: str(l.name), shifts: items(l, "shifts").map(toShift) })),
      final: items(data, "final").map(toShift),
    };
  },

  /** Who is on call now (or at `at`) on a schedule or a team, each with the reason. */
  async onCall(target: { schedule?: string; team?: string; at?: Date } = {}, signal?: AbortSignal): Promise<OnCallEntry[]> {
    const q = new URLSearchParams();
    if (target.schedule) q.set("schedule", target.schedule);
    if (target.team) q.set("team", target.team);
    if (target.at) q.set("at", target.at.toISOString());
    const query = q.toString();
    const data = await request<Wire>("GET", `/api/oncall${query ? `?${query}` : ""}`, undefined, signal);
    const grouped = items(data, "schedules");
    if (grouped.length && !items(data).length) {
      return grouped.flatMap((s) => items(s, "oncall").concat(items(s, "users")).map((o) => toOnCall(o, s)));
    }
    return items(data).map((o) => toOnCall(o));
  },

  scheduleCalendarUrl(id: string): string {
    return `/api/schedules/${enc(id)}/calendar.ics`;
  },

  userCalendarUrl(id: string): string {
    return `/api/users/${enc(id)}/oncall.ics`;
  },
};
