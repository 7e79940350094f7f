/** Editor keyboard shortcuts, ignored while the user types in a field. */

import { useEffect, useRef } from "react";

export interface ShortcutHandlers {
  save: () => void;
  undo: () => void;
  redo: () => void;
  copy: () => void;
  cut: () => void;
  paste: () => void;
  duplicate: () => void;
  selectAll: () => void;
  remove: () => void;
  layout: () => void;
  fit: () => void;
  help: () => void;
  escape: () => void;
}

export const SHORTCUTS: { keys: string; action: string }[] = [
  { keys: "Ctrl S", action: "Save draft" },
  { keys: "Ctrl Z", action: "Undo" },
  { keys: "Ctrl Shift Z / Ctrl Y", action: "Redo" },
  { keys: "Ctrl C", action: "Copy selected nodes (works across flows)" },
  { keys: "Ctrl X", action: "Cut selected nodes" },
  { keys: "Ctrl V", action: "Paste" },
  { keys: "Ctrl D", action: "Duplicate selection" },
  { keys: "Ctrl A", action: "Select all" },
  { keys: "Delete / Backspace", action: "Delete selected nodes and edges" },
  { keys: "Shift drag", action: "Select with a box" },
  { keys: "Ctrl click", action: "Add to selection" },
  { keys: "Arrow keys", action: "Move selected nodes" },
  { keys: "L", action: "Auto-layout" },
  { keys: "F", action: "Zoom to fit" },
  { keys: "?", action: "Show this help" },
  { keys: "Esc", action: "Close dialogs, clear selection" },
];

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

export function useShortcuts(handlers: ShortcutHandlers, enabled: boolean): void {
  const h = useRef(handlers);
  h.current = handlers;

  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === "s") {
        e.preventDefault();
        h.current.save();
        return;
      }
      if (key === "escape") {
        h.current.escape();
        return;
      }
      if (isTyping(e.target)) return;
      const run = (fn: () => void) => {
        e.preventDefault();
        fn();
      };
      if (mod && key === "z" && !e.shiftKey) run(h.current.undo);
      else if (mod && ((key === "z" && e.shiftKey) || key === "y")) run(h.current.redo);
      else if (mod && key === "c") run(h.current.copy);
      else if (mod && key === "x") run(h.current.cut);
      else if (mod && key === "v") run(h.current.paste);
      else if (mod && key === "d") run(h.current.duplicate);
      else if (mod && key === "a") run(h.current.selectAll);
      else if (!mod && (key === "delete" || key === "backspace")) run(h.current.remove);
      else if (!mod && !e.altKey && key === "l") run(h.current.layout);
      else if (!mod && !e.altKey && key === "f") run(h.current.fit);
      else if (!mod && e.key === "?") run(h.current.help);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
