import { useState } from "react";
import type { WidgetProps } from "@rjsf/utils";

/** A string field that must hold JSON text; says so while it does not parse. */
export default function JsonWidget({ id, value, onChange, onBlur, onFocus, disabled, readonly }: WidgetProps) {
  const [error, setError] = useState<string | null>(null);
  const text = typeof value === "string" ? value : "";
  return (
    <div>
      <textarea
        id={id}
        className={`code-input${error ? " has-error" : ""}`}
        rows={Math.min(Math.max(text.split("\n").length, 3), 12)}
        value={text}
        spellCheck={false}
        disabled={disabled || readonly}
        onChange={(e) => {
          const t = e.target.value;
          onChange(t === "" ? undefined : t);
          try {
            if (t.trim()) JSON.parse(t);
            setError(null);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          }
        }}
        onBlur={() => onBlur(id, value)}
        onFocus={() => onFocus(id, value)}
      />
      {error && <div className="field-hint error">Not valid JSON: {error}</div>}
    </div>
  );
}
