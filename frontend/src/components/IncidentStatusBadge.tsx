import { CircleCheck, Eye, Siren } from "lucide-react";
import type { IncidentStatus } from "../api/oncallTypes";

const ICONS = { triggered: Siren, acknowledged: Eye, resolved: CircleCheck };

/** Triggered (red), acknowledged (amber) or resolved (green), with an icon so colour is not the only cue. */
export default function IncidentStatusBadge({ status, large = false }: { status: IncidentStatus; large?: boolean }) {
  const Icon = ICONS[status] ?? Siren;
  return (
    <span className={`badge incident-${status}${large ? " badge-large" : ""}`} data-testid="incident-status">
      <Icon size={large ? 15 : 13} /> {status}
    </span>
  );
}
