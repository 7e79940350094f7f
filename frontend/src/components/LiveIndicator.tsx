import { Loader, Radio, WifiOff } from "lucide-react";
import { useConnectionState } from "../hooks/useConnectionState";

const TEXT = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", offline: "Offline" } as const;
const HINT = {
  live: "Run updates arrive as they happen.",
  connecting: "Connecting to the live updates.",
  reconnecting: "The live connection dropped; what is shown may be behind until it is back (it re-reads everything then).",
  offline: "No live connection; what is shown may be behind until it is back (it re-reads everything then).",
} as const;

/** The live connection's state: a green "Live", or a visible "Reconnecting…" while run updates may be behind. */
export default function LiveIndicator() {
  const state = useConnectionState();
  const Icon = state === "live" ? Radio : state === "offline" ? WifiOff : Loader;
  return (
    <span className={`live-state live-${state}`} title={HINT[state]} data-testid="live-state" data-state={state} role="status">
      <Icon size={13} className={state === "live" || state === "offline" ? undefined : "spin"} />
      {TEXT[state]}
    </span>
  );
}
