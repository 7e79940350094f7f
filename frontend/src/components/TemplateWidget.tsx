import { useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { WidgetProps } from "@rjsf/utils";
import { Braces } from "lucide-react";
import { completionSpot, filterSuggestions, type CompletionSpot, type Suggestion } from "../flow/templates";

/**
 * A template (or expression) field that completes `event.*`, `incident.*` and `steps.<upstream>.output`.
 * In a template, completion opens inside `{{ ... }}`; in an expression, anywhere.
 */
export default function TemplateWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, onFocus, placeholder, disabled, readonly, options, registry, rawErrors } = props;
  const anywhere = Boolean(options.anywhere);
  const singleLine = Boolean(options.singleLine);
  const all: Suggestion[] = registry.formContext?.suggestions ?? [];
  const text = typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
  const field = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const [spot, setSpot] = useState<CompletionSpot | null>(null);
  const [active, setActive] = useState(0);
  const pendingCaret = useRef<number | null>(null);

  const items = useMemo(() => (spot ? filterSuggestions(all, spot.prefix) : []), [all, spot]);
  const open = spot !== null && items.length > 0;

  useLayoutEffect(() => {
    if (pendingCaret.current !== null && field.current) {
      field.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = null;
    }
    if (!singleLine && field.current) {
      field.current.style.height = "auto";
      field.current.style.height = `${Math.min(field.current.scrollHeight + 2, 240)}px`;
    }
  });

  const refreshSpot = (t: string, caret: number) => {
    const s = completionSpot(t, caret, anywhere);
    setSpot(s);
    setActive(0);
  };

  const accept = (s: Suggestion) => {
    if (!spot || !field.current) return;
    const caret = field.current.selectionStart ?? text.length;
    const after = text.slice(caret);
    const closing = !anywhere && !/^\s*}}/.test(after) ? " }}" : "";
    const next = text.slice(0, spot.start) + s.path + closing + after;
    pendingCaret.current = spot.start + s.path.length + closing.length;
    onChange(next);
    setSpot(null);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!open) return;
    if (e.key === "ArrowDown") setActive((a) => (a + 1) % items.length);
    else if (e.key === "ArrowUp") setActive((a) => (a - 1 + items.length) % items.length);
    else if (e.key === "Enter" || e.key === "Tab") accept(items[active]);
    else if (e.key === "Escape") setSpot(null);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const insertBraces = () => {
    const el = field.current;
    if (!el) return;
    const caret = el.selectionStart ?? text.length;
    const next = `${text.slice(0, caret)}{{ ${text.slice(caret)}`;
    pendingCaret.current = caret + 3;
    onChange(next);
    setSpot({ start: caret + 3, prefix: "" });
    el.focus();
  };

  const common = {
    id,
    ref: field,
    className: `template-input${rawErrors?.length ? " has-error" : ""}`,
    value: text,
    placeholder: placeholder || (anywhere ? "event.severity == 'critical'" : "Text with {{ event.title }}"),
    disabled: disabled || readonly,
    spellCheck: false,
    autoComplete: "off",
    "aria-autocomplete": "list" as const,
    "aria-expanded": open,
    onChange: (e: { target: { value: string; selectionStart: number | null } }) => {
      onChange(e.target.value === "" ? undefined : e.target.value);
      refreshSpot(e.target.value, e.target.selectionStart ?? e.target.value.length);
    },
    onKeyDown,
    onClick: () => field.current && refreshSpot(text, field.current.selectionStart ?? text.length),
    onBlur: () => {
      setTimeout(() => setSpot(null), 150);
      onBlur(id, value);
    },
    onFocus: () => onFocus(id, value),
  };

  return (
    <div className="template-widget">
      <div className="template-field">
        {singleLine ? <input {...common} /> : <textarea rows={2} {...common} />}
        {!anywhere && (
          <button type="button" className="template-insert" title="Insert a value ({{ … }})" onMouseDown={(e) => e.preventDefault()} onClick={insertBraces} tabIndex={-1}>
            <Braces size={14} />
          </button>
        )}
      </div>
      {open && (
        <ul className="suggestions" role="listbox" data-testid="template-suggestions">
          {items.map((s, i) => (
            <li
              key={s.path}
              role="option"
              aria-selected={i === active}
              className={i === active ? "active" : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(s);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <code>{s.path}</code>
              <span>{s.detail}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
