import { ArrowDown, ArrowUp, Copy, Plus, X } from "lucide-react";
import type { IconButtonProps } from "@rjsf/utils";

const ICONS = { plus: Plus, remove: X, "arrow-up": ArrowUp, "arrow-down": ArrowDown, copy: Copy } as const;
const LABELS: Record<string, string> = { plus: "Add", remove: "Remove", "arrow-up": "Move up", "arrow-down": "Move down", copy: "Copy" };

/** The generated form's small buttons (add, remove, move, copy) drawn with lucide icons instead of glyphicons. */
export default function FormIconButton({ icon, iconType: _iconType, className, uiSchema: _u, registry: _r, ...rest }: IconButtonProps) {
  const name = typeof icon === "string" ? icon : "plus";
  const Icon = ICONS[name as keyof typeof ICONS] ?? Plus;
  const isAdd = name === "plus";
  return (
    <button type="button" className={`form-icon-button ${isAdd ? "form-add" : ""} ${className ?? ""}`} title={LABELS[name]} aria-label={LABELS[name]} {...rest}>
      <Icon size={14} />
      {isAdd && <span>Add</span>}
    </button>
  );
}
