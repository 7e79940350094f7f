/** Incidents, alerts, schedules and on-call as the pages see them (camelCase). The wire shapes live in oncall.ts. */

export type IncidentStatus = "triggered" | "acknowledged" | "resolved";
export type Severity = "critical" | "error" | "warning" | "info";

export const INCIDENT_STATUSES: IncidentStatus[] = ["triggered", "acknowledged", "resolved"];
export const SEVERITIES: Severity[] = ["critical", "error", "warning", "info"];

/** An impacted entity or a link, reduced to what a person reads. */
export interface Entity {
  name: string;
  kind: string | null;
}

export interface IncidentLink {
  url: string;
  text: string;
}

export interface IncidentSummary {
  id: number;
  dedupKey: string;
  title: string;
  severity: Severity | string;
  status: IncidentStatus;
  service: string | null;
  entities: Entity[];
  links: IncidentLink[];
  eventCount: number;
  createdAt: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
}

export interface TimelineEntry {
  id: number | null;
  at: string;
  kind: string;
  actor: string;
  message: string;
  data: Record<string, unknown>;
  runId: string | null;
  nodeId: string | null;
}

/** One trigger's verdict on an event: did it start a run, and why (not). */
export interface TriggerVerdict {
  flowId: string;
  flowName: string;
  nodeId: string;
  nodeLabel: string | null;
  nodeType: string | null;
  version: number | string | null;
  accepted: boolean;
  reason: string;
  runId: string | null;
}

export interface EventExplanation {
  triggers: TriggerVerdict[];
  dedupKey: string | null;
  incidentId: number | null;
  incidentAction: string | null;
  runs: string[];
  summary: string | null;
  /** How the event reached the triggers: "every active trigger", "webhook", "direct". */
  via: string | null;
}

export interface IncidentEvent {
  id: string;
  receivedAt: string | null;
  source: string;
  title: string;
  severity: string;
  state: string;
  dedupKey: string;
  explanation: EventExplanation | null;
}

/** One delivery of an alert to one person on one channel. */
export interface Notification {
  id: number | null;
  userId: string;
  userName: string | null;
  channel: string;
  address: string;
  status: string;
  error: string | null;
  level: number | null;
  round: number | null;
  via: string;
  reason: string;
  sentAt: string | null;
}

export type AlertStatus = "open" | "answered" | "timed_out" | "cancelled" | string;

export interface Alert {
  id: number;
  runId: string;
  nodeId: string;
  incidentId: number | null;
  recipients: string[];
  subject: string;
  message: string;
  responses: string[];
  status: AlertStatus;
  response: string | null;
  responder: string | null;
  createdAt: string | null;
  expiresAt: string | null;
  notifications: Notification[];
}

export interface IncidentRun {
  id: string;
  flowId: string;
  flowName: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Incident extends IncidentSummary {
  timeline: TimelineEntry[];
  events: IncidentEvent[];
  alerts: Alert[];
  runs: IncidentRun[];
}

/** An alert in my inbox, with the incident it belongs to and its latest timeline lines. */
export interface MyAlert extends Alert {
  incident: IncidentSummary | null;
  recentTimeline: TimelineEntry[];
}

export interface Person {
  id: string;
  name: string;
  email: string;
  role: string;
  timeZone: string;
}

export interface Team {
  id: string;
  name: string;
  description: string;
  members: string[];
}

export type Rotation = "daily" | "weekly" | "custom";

export interface Restriction {
  kind: "daily" | "weekly";
  startDay: number | null;
  startTime: string;
  endDay: number | null;
  endTime: string;
}

export interface Layer {
  name: string;
  users: string[];
  rotation: Rotation | string;
  /** Shift length for a custom rotation, e.g. "12h" or "3d". */
  shiftLength: string | null;
  start: string;
  timeZone: string;
  restrictions: Restriction[];
  /** Keys of the wire layer this page does not edit, kept as they were. */
  extra: Record<string, unknown>;
}

export interface ScheduleSummary {
  id: string;
  name: string;
  description: string;
  timeZone: string;
  teamId: string | null;
  layers: Layer[];
}

export interface Override {
  id: string;
  userId: string;
  userName: string | null;
  start: string;
  end: string;
  note: string;
  createdBy: string;
}

export interface Shift {
  userId: string;
  userName: string | null;
  start: string;
  end: string;
  source: string;
  layer: number | null;
  layerName: string | null;
  overrideId: string | null;
}

export interface ScheduleShifts {
  layers: { name: string; shifts: Shift[] }[];
  final: Shift[];
}

/** Someone on call now, and why. */
export interface OnCallEntry {
  userId: string;
  userName: string | null;
  scheduleId: string | null;
  scheduleName: string | null;
  teamId: string | null;
  reason: string;
  until: string | null;
  layerName: string | null;
  overrideId: string | null;
}
