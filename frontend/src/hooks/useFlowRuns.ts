/** A flow's runs, newest first, with filters; re-read when a run of the flow starts, waits, resumes or ends. */

import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import { listen } from "../api/live";
import type { LiveEvent, RunFilter, RunSummary } from "../api/types";

export interface FlowRuns {
  runs: RunSummary[];
  total: number;
  loading: boolean;
  error: string | null;
  refresh: () => void;
}

/** At most one list re-read per this many ms, however many runs start (a flow under load starts dozens a second). */
const REREAD_EVERY_MS = 1000;

/** `onRunCreated` is told about every new run of the flow, filters or not (to follow new runs on the canvas). */
export function useFlowRuns(flowId: string, filter: RunFilter, limit = 50, onRunCreated?: (runId: string) => void): FlowRuns {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const created = useRef(onRunCreated);
  created.current = onRunCreated;
  const reread = useRef<() => void>(() => {});
  const filterKey = JSON.stringify(filter);

  useEffect(() => {
    let stopped = false;
    let controller: AbortController | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const f = JSON.parse(filterKey) as RunFilter;

    const read = async () => {
      controller?.abort();
      const mine = new AbortController();
      controller = mine;
      last = Date.now();
      try {
        const page = await api.listRuns(flowId, f, limit, mine.signal);
        if (stopped || mine.signal.aborted) return;
        setRuns(page.items);
        setTotal(page.total);
        setError(null);
      } catch (err) {
        if (stopped || mine.signal.aborted) return;
        setError(err instanceof Error ? err.message : String(err));
      } finally {
        if (!stopped && controller === mine) setLoading(false);
      }
    };

    const schedule = () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void read();
      }, Math.max(0, last + REREAD_EVERY_MS - Date.now()));
    };

    const onEvent = (e: LiveEvent) => {
      if (!e.name.startsWith("run.")) return;
      if (e.name === "run.created" && e.runId) created.current?.(e.runId);
      schedule();
    };

    setLoading(true);
    reread.current = () => void read();
    // The runs room: the flow's run events only, not every step of every run (a busy flow sends many).
    const unlisten = listen(`runs:${flowId}`, onEvent, () => void read());
    void read();
    return () => {
      stopped = true;
      controller?.abort();
      clearTimeout(timer);
      unlisten();
    };
  }, [flowId, filterKey, limit]);

  const refresh = useCallback(() => reread.current(), []);
  return { runs, total, loading, error, refresh };
}
