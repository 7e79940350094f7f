/** Who is signed in: the browser session's user and role, sign-in and sign-out, and what the role may do. */

import { ApiError, onUnauthorized, request } from "./client";

export type Role = "viewer" | "responder" | "editor" | "admin";

/** Lowest first: each role may do everything the roles before it may. */
export const ROLES: Role[] = ["viewer", "responder", "editor", "admin"];

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  teams: string[];
  timeZone: string;
}

/** `checking` until /api/auth/me answered; `expired` when a 401 came while someone was signed in. */
export type SessionState =
  | { status: "checking" }
  | { status: "signed-out" }
  | { status: "expired"; user: SessionUser }
  | { status: "signed-in"; user: SessionUser };

type Wire = Record<string, any>;

let state: SessionState = { status: "checking" };
const listeners = new Set<() => void>();

function set(next: SessionState) {
  state = next;
  for (const l of listeners) l();
}

function toUser(me: Wire): SessionUser {
  const u = me.user ?? {};
  return {
    id: String(u.id),
    email: String(u.email ?? ""),
    name: String(u.name ?? u.id),
    role: (me.role ?? u.role ?? "viewer") as Role,
    teams: Array.isArray(u.teams) ? u.teams.map(String) : [],
    timeZone: String(u.time_zone ?? "UTC"),
  };
}

/** A 401 from any request while signed in: the session is gone; the app shows the sign-in page over itself. */
onUnauthorized(() => {
  if (state.status === "signed-in") set({ status: "expired", user: state.user });
  else if (state.status === "checking") set({ status: "signed-out" });
});

/** Ask the server who we are (once, when the app starts). */
export async function checkSession(): Promise<void> {
  try {
    set({ status: "signed-in", user: toUser(await request<Wire>("GET", "/api/auth/me")) });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) set({ status: "signed-out" });
    else throw err;
  }
}

/** Sign in with email and password; the server sets the session cookie. Throws ApiError with its message. */
export async function signIn(email: string, password: string): Promise<SessionUser> {
  const user = toUser(await request<Wire>("POST", "/api/auth/login", { email, password }));
  set({ status: "signed-in", user });
  return user;
}

/** End the session and start the app afresh (no page keeps the previous user's data or live connection). */
export async function signOut(): Promise<void> {
  await request("POST", "/api/auth/logout");
  set({ status: "signed-out" });
  window.location.assign(window.location.pathname + window.location.search);
}

export function hasRole(role: Role | undefined, minimum: Role): boolean {
  return role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function currentSession(): SessionState {
  return state;
}
