import { useEffect, useState } from "react";
import type { FieldProps } from "@rjsf/utils";

/** A free-form value (object, list, anything) edited as JSON text; only valid JSON reaches the config. */
export default function JsonField({ formData, onChange, fieldPathId, schema, name, disabled, readonly, required, rawErrors }: FieldProps) {
  const pretty = (v: unknown) => (v === undefined ? "" : JSON.stringify(v, null, 2));
  const [text, setText] = useState(pretty(formData));
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // Follow outside changes (undo, another node) unless the user is mid-edit with broken JSON.
    try {
      if (JSON.stringify(JSON.parse(text || "null")) === JSON.stringify(formData ?? null)) return;
    } catch {
      /* replace broken text below */
    }
    setText(pretty(formData));
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [formData]);

  const title = schema.title ?? name;
  return (
    <div className="form-group field json-field">
      <label className="control-label" htmlFor={fieldPathId.$id}>
        {title}
        {required && <span className="required">*</span>}
      </label>
      {schema.description && <p className="field-description">{schema.description}</p>}
      <textarea
        id={fieldPathId.$id}
        className={`code-input${error || rawErrors?.length ? " has-error" : ""}`}
        rows={Math.min(Math.max(text.split("\n").length, 3), 12)}
        value={text}
        spellCheck={false}
        disabled={disabled || readonly}
        onChange={(e) => {
          setText(e.target.value);
          if (!e.target.value.trim()) {
            setError(null);
            onChange(undefined, fieldPathId.path, undefined, fieldPathId.$id);
            return;
          }
          try {
            const v = JSON.parse(e.target.value);
            setError(null);
            onChange(v, fieldPathId.path, undefined, fieldPathId.$id);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          }
        }}
      />
      {error && <div className="field-hint error">Not valid JSON yet: {error}</div>}
      {rawErrors?.map((e) => (
        <div key={e} className="field-hint error">
          {e}
        </div>
      ))}
    </div>
  );
}
