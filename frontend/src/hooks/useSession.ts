import { useSyncExternalStore } from "react";
import { currentSession, hasRole, subscribe, type Role, type SessionState } from "../api/session";

/** The session: checking, signed out, signed in (with the user and role), or expired. */
export function useSession(): SessionState {
  return useSyncExternalStore(subscribe, currentSession);
}

/** Whether the signed-in user's role reaches `minimum` (buttons for what the role cannot do are disabled). */
export function useCan(minimum: Role): boolean {
  const session = useSession();
  return session.status === "signed-in" && hasRole(session.user.role, minimum);
}
