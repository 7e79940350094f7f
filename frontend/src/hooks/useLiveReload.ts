/** Keep a page fresh: reload when an incident it shows changes (Socket.IO `incident:<id>`, or `incidents` for any
 * incident at all), and on a slow poll as a backstop. */

import { useEffect, useRef } from "react";
import { listen } from "../api/live";

/**
 * Calls `reload` (coalesced) when `incident.updated` arrives for any of `incidentIds`, after the socket
 * reconnects, when the tab becomes visible again, and every `everyMs` while it is visible — the poll is what
 * finds incidents that did not exist when the page subscribed.
 */
export function useLiveReload(
  reload: () => void,
  incidentIds: (number | string)[],
  everyMs = 15_000,
  anyIncident = false,
): void {
  const ref = useRef(reload);
  ref.current = reload;
  const timer = useRef<number | null>(null);
  const key = [...new Set(incidentIds.map(String))].sort().join(",");

  useEffect(() => {
    const soon = () => {
      if (timer.current !== null) return;
      timer.current = window.setTimeout(() => {
        timer.current = null;
        ref.current();
      }, 150);
    };
    const rooms = anyIncident ? ["incidents"] : key ? key.split(",").map((id) => `incident:${id}`) : [];
    const offs = rooms.map((room) => listen(room, soon, soon));
    return () => {
      for (const off of offs) off();
    };
  }, [key, anyIncident]);

  useEffect(() => {
    const tick = window.setInterval(() => {
      if (document.visibilityState === "visible") ref.current();
    }, everyMs);
    const onVisible = () => {
      if (document.visibilityState === "visible") ref.current();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(tick);
      document.removeEventListener("visibilitychange", onVisible);
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = null;
    };
  }, [everyMs]);
}
