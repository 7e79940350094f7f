import { LogOut, UserRound } from "lucide-react";
import { signOut } from "../api/session";
import { useSession } from "../hooks/useSession";
import { useToasts } from "../hooks/useToasts";
import "../styles/session.css";

/** The signed-in user, their role, and signing out; in the app header. */
export default function UserMenu() {
  const session = useSession();
  const toasts = useToasts();
  if (session.status !== "signed-in") return null;
  const { user } = session;
  return (
    <div className="user-menu" data-testid="user-menu">
      <span className="user-menu-who" title={`${user.email}${user.teams.length ? ` · teams ${user.teams.join(", ")}` : ""}`}>
        <UserRound size={15} />
        <span data-testid="user-name">{user.name}</span>
        <span className="user-menu-role" data-testid="user-role">
          {user.role}
        </span>
      </span>
      <button
        className="icon-button"
        title="Sign out"
        aria-label="Sign out"
        data-testid="sign-out"
        onClick={() => signOut().catch((err: unknown) => toasts.show(err instanceof Error ? err.message : String(err), "error"))}
      >
        <LogOut size={16} />
      </button>
    </div>
  );
}
