/** Warn before leaving the editor (closing the tab, reloading, navigating in the app) with unsaved changes. */

import { useCallback, useEffect, useRef } from "react";
import { useNavigationGuard } from "./useRoute";

export const LEAVE_MESSAGE = "You have unsaved changes in this flow. Leave and lose them?";

export function useUnsavedGuard(isDirty: boolean): void {
  const dirty = useRef(isDirty);
  dirty.current = isDirty;

  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!dirty.current) return;
      e.preventDefault();
      e.returnValue = LEAVE_MESSAGE;
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, []);

  const guard = useCallback(() => !dirty.current || window.confirm(LEAVE_MESSAGE), []);
  useNavigationGuard(guard);
}
