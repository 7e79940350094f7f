/** The rjsf uiSchema for a node type's config schema, chosen from each property's `x_widget`. */

import type { UiSchema } from "@rjsf/utils";
import type { JsonSchema, Problem } from "../api/types";

function mainType(p: JsonSchema): string | undefined {
  if (Array.isArray(p.type)) return p.type.find((t) => t !== "null");
  return p.type;
}

function widgetFor(p: JsonSchema): UiSchema | null {
  const t = mainType(p);
  switch (p.x_widget) {
    case "template":
      return { "ui:widget": "template" };
    case "expression":
      return { "ui:widget": "template", "ui:options": { anywhere: true, singleLine: true } };
    case "duration":
      return { "ui:widget": "duration" };
    case "textarea":
      return { "ui:widget": "textarea", "ui:options": { rows: 4 } };
    case "json":
      return t === "string" ? { "ui:widget": "json" } : { "ui:field": "json" };
  }
  // Free-form values (marshmallow Dict / Raw) read better as JSON than as rjsf's key/value editor.
  if (!t || (t === "object" && !p.properties)) return { "ui:field": "json" };
  if (t === "array" && p.items?.x_widget === "template") return { items: { "ui:widget": "template" } };
  return null;
}

export function uiSchemaFor(schema: JsonSchema): UiSchema {
  const ui: UiSchema = { "ui:submitButtonOptions": { norender: true } };
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const w = widgetFor(prop);
    if (w) ui[key] = w;
  }
  return ui;
}

/** The config property a problem names (`config.message`, `message`, `recipients.0` -> the top-level key). */
export function problemField(p: Problem): string | null {
  if (!p.field) return null;
  const path = p.field.replace(/^config[.[]/, "");
  return path.split(/[.[\]]/)[0] || null;
}

/** Server problems as rjsf extraErrors, so each message shows under its field. */
export function extraErrorsFor(problems: Problem[], schema: JsonSchema): Record<string, { __errors: string[] }> {
  const out: Record<string, { __errors: string[] }> = {};
  const props = schema.properties ?? {};
  for (const p of problems) {
    const key = problemField(p);
    if (!key || !(key in props)) continue;
    (out[key] ??= { __errors: [] }).__errors.push(p.message);
  }
  return out;
}
