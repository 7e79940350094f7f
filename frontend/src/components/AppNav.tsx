import { BellRing, CalendarClock, Siren, UserCheck, Workflow, type LucideIcon } from "lucide-react";
import { useRoute } from "../hooks/useRoute";
import AppLink from "./AppLink";
import "../styles/oncall.css";

const LINKS: { to: string; label: string; icon: LucideIcon; match: (path: string) => boolean }[] = [
  { to: "/", label: "Flows", icon: Workflow, match: (p) => p === "/" || p.startsWith("/flows") || p.startsWith("/runs") },
  { to: "/incidents", label: "Incidents", icon: Siren, match: (p) => p.startsWith("/incidents") },
  { to: "/schedules", label: "Schedules", icon: CalendarClock, match: (p) => p.startsWith("/schedules") },
  { to: "/oncall", label: "On call", icon: UserCheck, match: (p) => p.startsWith("/oncall") },
  { to: "/respond", label: "Respond", icon: BellRing, match: (p) => p.startsWith("/respond") },
];

/** The app's sections; on a phone the header wraps them into a row of tabs under the brand. */
export default function AppNav() {
  const path = useRoute();
  return (
    <nav className="app-nav" aria-label="Sections" data-testid="app-nav">
      {LINKS.map(({ to, label, icon: Icon, match }) => {
        const active = match(path);
        return (
          <AppLink key={to} to={to} className={active ? "active" : undefined} aria-current={active ? "page" : undefined}>
            <Icon size={16} />
            <span>{label}</span>
          </AppLink>
        );
      })}
    </nav>
  );
}
