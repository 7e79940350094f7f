/** A small history-API router: the current path, navigate(), and guards that may refuse to leave a page. */

import { useEffect, useSyncExternalStore } from "react";

type Guard = () => boolean;
const guards = new Set<Guard>();
const listeners = new Set<() => void>();

function emit() {
  for (const l of listeners) l();
}

window.addEventListener("popstate", emit);

/** Go to an app path; returns false when a guard (unsaved changes) kept the user here. */
export function navigate(path: string, replace = false): boolean {
  for (const guard of guards) if (!guard()) return false;
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  emit();
  return true;
}

export function useRoute(): string {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => location.pathname,
  );
}

/** Register a guard while the calling component is mounted. */
export function useNavigationGuard(guard: Guard): void {
  useEffect(() => {
    guards.add(guard);
    return () => {
      guards.delete(guard);
    };
  }, [guard]);
}
