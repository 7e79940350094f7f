/** Follow one run: poll GET /api/runs/{id} until it settles (slower while it waits for a person). */

import { useEffect, useState } from "react";
import { api } from "../api/client";
import { SETTLED_RUN_STATUSES, type Run } from "../api/types";

export function useRun(runId: string | null): { run: Run | null; error: string | null; refresh: () => void } {
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    setRun(null);
    setError(null);
  }, [runId]);

  useEffect(() => {
    if (!runId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (delay: number) => {
      try {
        const r = await api.getRun(runId);
        if (stopped) return;
        setRun(r);
        setError(null);
        if (SETTLED_RUN_STATUSES.includes(r.status)) return;
        delay = r.status === "waiting" ? 2000 : Math.min(delay * 1.5, 1500);
      } catch (err) {
        if (stopped) return;
        setError(err instanceof Error ? err.message : String(err));
        delay = 2000;
      }
      timer = setTimeout(() => poll(delay), delay);
    };
    poll(250);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [runId, tick]);

  return { run, error, refresh: () => setTick((t) => t + 1) };
}
