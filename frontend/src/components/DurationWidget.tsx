import type { WidgetProps } from "@rjsf/utils";

const PRESETS = ["30s", "5m", "15m", "1h"];

/** A duration such as `30s`, `15m` or `2h`, with quick picks. */
function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return true;
  }
}

export default function DurationWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, onFocus, disabled, readonly, rawErrors } = props;
  const text = typeof value === "string" ? value : "";
  const pattern = typeof props.schema.pattern === "string" ? props.schema.pattern : "^\\d+[smh]$";
  const bad = text !== "" && !safeTest(pattern, text);
  return (
    <div className="duration-widget">
      <input
        id={id}
        value={text}
        placeholder="15m"
        disabled={disabled || readonly}
        className={bad || rawErrors?.length ? "has-error" : undefined}
        onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value.trim())}
        onBlur={() => onBlur(id, value)}
        onFocus={() => onFocus(id, value)}
      />
      <div className="duration-presets">
        {PRESETS.map((p) => (
          <button type="button" key={p} className={p === text ? "chip active" : "chip"} onClick={() => onChange(p)} disabled={disabled || readonly}>
            {p}
          </button>
        ))}
      </div>
      {bad && <div className="field-hint error">A duration such as 30s, 15m, 2h or 1h30m.</div>}
    </div>
  );
}
