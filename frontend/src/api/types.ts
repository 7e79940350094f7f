/** The API's resources as the canvas sees them (camelCase). The wire shapes live in client.ts only. */

import type { FlowDocument } from "../flow/document";

export type JsonSchema = {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  x_widget?: string;
  [key: string]: unknown;
};

export interface NodeType {
  type: string;
  version: number;
  category: string;
  title: string;
  description: string;
  icon: string;
  isTrigger: boolean;
  configSchema: JsonSchema;
  ports: { fromConfig: string | null; fixed: string[] };
  sampleEvent: Record<string, unknown> | null;
}

export interface Problem {
  code: string;
  message: string;
  nodeId: string | null;
  edgeId: string | null;
  field: string | null;
}

export type FlowStatus = "draft" | "published" | "modified";

export type RunStatus = "running" | "waiting" | "succeeded" | "failed" | "cancelled";
export type StepStatus = "running" | "waiting" | "retrying" | "succeeded" | "failed" | "skipped" | "cancelled";

export interface LastRun {
  id: string;
  status: RunStatus;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface FlowSummary {
  id: string;
  name: string;
  description: string;
  revision: number;
  publishedVersion: number | null;
  active: boolean;
  status: FlowStatus;
  valid: boolean;
  updatedAt: string | null;
  lastRun: LastRun | null;
}

export interface Hook {
  nodeId: string;
  token: string;
  url: string;
}

export interface FlowDetail extends FlowSummary {
  document: FlowDocument;
  problems: Problem[];
  hooks: Hook[];
}

export interface VersionSummary {
  version: number;
  revision: number;
  publishedAt: string | null;
  name: string;
}

export interface Version {
  version: number;
  revision: number;
  publishedAt: string | null;
  document: FlowDocument;
}

export interface StepWait {
  kind: string;
  responses: string[];
  until: string | null;
}

export interface Step {
  nodeId: string;
  nodeType: string;
  status: StepStatus;
  port: string | null;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  config: unknown;
  output: unknown;
  error: string | null;
  logs: unknown;
  wait: StepWait | null;
}

export interface RunSummary {
  id: string;
  flowId: string;
  flowName: string;
  flowVersion: number | string | null;
  flowRevision: number | null;
  status: RunStatus;
  triggerNode: string | null;
  eventId: string | null;
  incidentId: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  dryRun: boolean;
  replayOf: string | null;
  /** The title of the event that started the run. */
  eventTitle: string | null;
}

export interface Run extends RunSummary {
  event: Record<string, unknown>;
  steps: Step[];
}

export const SETTLED_RUN_STATUSES: RunStatus[] = ["succeeded", "failed", "cancelled"];

export const SETTLED_STEP_STATUSES: StepStatus[] = ["succeeded", "failed", "skipped", "cancelled"];

export interface RunFilter {
  statuses: RunStatus[];
  /** ISO instants (inclusive); null for open-ended. */
  since: string | null;
  until: string | null;
}

export interface RunPage {
  items: RunSummary[];
  total: number;
}

/** Replay a run's event: against what it ran (`same`), the draft or a version number; for real or dry. */
export interface ReplayRequest {
  version: "same" | "draft" | number;
  dryRun: boolean;
  /** Port per node for a dry run (an alert's response); unset nodes follow the replayed run. */
  choices: Record<string, string>;
}

export interface StepBrief {
  status: StepStatus;
  port: string | null;
  attempts: number;
  durationMs: number | null;
  error: string | null;
}

export interface OutputDiff {
  path: string;
  left: unknown;
  right: unknown;
}

export interface NodeComparison {
  nodeId: string;
  left: StepBrief | null;
  right: StepBrief | null;
  samePath: boolean;
  outputDiff: OutputDiff[];
}

export interface Comparison {
  left: RunSummary;
  right: RunSummary;
  samePath: boolean;
  nodes: NodeComparison[];
}

/** A Socket.IO event: a hint that something changed; the details are read over REST. */
export interface LiveEvent {
  name: string;
  runId: string | null;
  flowId: string | null;
  nodeId: string | null;
  status: string | null;
  port: string | null;
  attempts: number | null;
  incidentId: number | null;
  /** Run events: the trigger node that started the run (its step succeeded with the run). */
  triggerNode: string | null;
  /** Date.now() when the browser received it. */
  receivedAt: number;
}
