/** Palette categories: their order, names and colours. Unknown categories sort last with a neutral colour. */

const KNOWN: { key: string; aliases: string[]; label: string; color: string; icon: string }[] = [
  { key: "trigger", aliases: ["trigger", "triggers"], label: "Triggers", color: "#7c3aed", icon: "zap" },
  { key: "alert", aliases: ["alert", "alerts", "notify", "notification"], label: "Alert", color: "#dc2626", icon: "bell" },
  { key: "ticket", aliases: ["ticket", "tickets"], label: "Ticket", color: "#2563eb", icon: "ticket" },
  { key: "chat", aliases: ["chat", "chats"], label: "Chat", color: "#0891b2", icon: "message-square" },
  { key: "runbook", aliases: ["runbook", "runbooks"], label: "Runbook", color: "#ea580c", icon: "terminal" },
  { key: "deploy", aliases: ["deploy", "deployment", "deployments"], label: "Deploy", color: "#16a34a", icon: "rocket" },
  { key: "logic", aliases: ["logic", "flow", "control"], label: "Logic", color: "#475569", icon: "git-branch" },
  { key: "incident", aliases: ["incident", "incidents"], label: "Incident", color: "#be185d", icon: "siren" },
];

export interface CategoryInfo {
  key: string;
  label: string;
  color: string;
  icon: string;
  order: number;
}

export function categoryInfo(category: string): CategoryInfo {
  const c = category.toLowerCase();
  const index = KNOWN.findIndex((k) => k.aliases.includes(c));
  if (index >= 0) {
    const k = KNOWN[index];
    return { key: k.key, label: k.label, color: k.color, icon: k.icon, order: index };
  }
  const label = c ? c[0].toUpperCase() + c.slice(1).replace(/[_-]+/g, " ") : "Other";
  return { key: c || "other", label, color: "#64748b", icon: "box", order: KNOWN.length };
}
