import { useMemo, useState } from "react";
import { ChevronDown, ChevronRight, Search } from "lucide-react";
import { categoryInfo } from "../catalog/categories";
import { useNodeTypes } from "../hooks/useNodeTypes";
import PaletteItem from "./PaletteItem";

/** The node types from /api/node-types, grouped by category, with a search box. */
export default function Palette({ onAdd }: { onAdd: (type: string) => void }) {
  const { list, loading, error } = useNodeTypes();
  const [query, setQuery] = useState("");
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());

  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const matching = list.filter(
      (t) => !q || t.title.toLowerCase().includes(q) || t.type.toLowerCase().includes(q) || t.description.toLowerCase().includes(q) || t.category.toLowerCase().includes(q),
    );
    const byKey = new Map<string, { info: ReturnType<typeof categoryInfo>; items: typeof list }>();
    for (const t of matching) {
      const info = categoryInfo(t.isTrigger ? "trigger" : t.category);
      const group = byKey.get(info.key) ?? { info, items: [] };
      group.items.push(t);
      byKey.set(info.key, group);
    }
    return [...byKey.values()]
      .sort((a, b) => a.info.order - b.info.order || a.info.label.localeCompare(b.info.label))
      .map((g) => ({ ...g, items: g.items.sort((a, b) => a.title.localeCompare(b.title)) }));
  }, [list, query]);

  const toggle = (key: string) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <aside className="palette" aria-label="Node palette" data-testid="palette">
      <div className="search-box">
        <Search size={15} />
        <input type="search" placeholder="Search steps" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search steps" data-testid="palette-search" />
      </div>
      <div className="palette-groups">
        {loading && <div className="muted pad">Loading steps…</div>}
        {error && <div className="problem-box">Could not load node types: {error}</div>}
        {!loading && groups.length === 0 && <div className="muted pad">No step matches “{query}”.</div>}
        {groups.map(({ info, items }) => {
          const open = query.trim() !== "" || !collapsed.has(info.key);
          return (
            <section key={info.key} className="palette-group" data-testid={`palette-group-${info.key}`}>
              <button className="palette-group-head" onClick={() => toggle(info.key)} aria-expanded={open}>
                {open ? <ChevronDown size={14} /> : <ChevronRight size={14} />}
                <span className="dot" style={{ background: info.color }} />
                {info.label}
                <span className="count">{items.length}</span>
              </button>
              {open && items.map((t) => <PaletteItem key={t.type} nodeType={t} onAdd={onAdd} />)}
            </section>
          );
        })}
      </div>
      <div className="palette-hint">Drag a step onto the canvas, or double-click it.</div>
    </aside>
  );
}
