/** The flow document exactly as it travels over the wire and sits in flows/*.json (`mendflow.flow/v1`). */

export const FLOW_SCHEMA = "mendflow.flow/v1";

export interface DocPosition {
  x: number;
  y: number;
}

export interface DocNode {
  id: string;
  type: string;
  label?: string;
  config: Record<string, unknown>;
  position?: DocPosition;
  [key: string]: unknown;
}

export interface DocEdge {
  id: string;
  source: string;
  target: string;
  source_port?: string;
  [key: string]: unknown;
}

export interface FlowDocument {
  schema: string;
  id?: string;
  name: string;
  description?: string;
  nodes: DocNode[];
  edges: DocEdge[];
  [key: string]: unknown;
}

export function emptyDocument(name: string): FlowDocument {
  return { schema: FLOW_SCHEMA, name, description: "", nodes: [], edges: [] };
}

/** Why the text is not a flow document, or null when it has the document's outer shape. */
export function documentShapeError(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "The file must hold one JSON object (a flow document).";
  const doc = value as Record<string, unknown>;
  if (doc.schema !== undefined && doc.schema !== FLOW_SCHEMA) return `Unsupported schema "${String(doc.schema)}"; expected "${FLOW_SCHEMA}".`;
  if (!Array.isArray(doc.nodes)) return 'The document has no "nodes" list.';
  if (doc.edges !== undefined && !Array.isArray(doc.edges)) return '"edges" must be a list.';
  return null;
}

/** Parse text into a flow document, or say precisely where the JSON is broken. */
export function parseDocument(text: string): { document: FlowDocument | null; error: string | null } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { document: null, error: `Not valid JSON: ${jsonErrorWhere(text, err)}` };
  }
  const shapeError = documentShapeError(value);
  if (shapeError) return { document: null, error: shapeError };
  return { document: value as FlowDocument, error: null };
}

function jsonErrorWhere(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const match = /position (\d+)/.exec(message);
  if (!match) return message;
  const offset = Number(match[1]);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `${message.replace(/\s*\(line \d+ column \d+\)/, "")} (line ${line}, column ${column})`;
}
