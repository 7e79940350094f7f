/** Follow one run live: Socket.IO events move it forward at once, REST re-reads bring the details and the truth.
 *
 * Events are hints (ids and states); after each burst of events, and after every (re)connect, the run is re-read
 * over REST, and every event is followed by a re-read sent after it arrived, so the page always ends on what the
 * server committed. A read answered before an event it crossed on the way never takes a settled step back
 * (`mergeRun`), and only the server's word (an event sent after the commit, or a read) ever makes a run final.
 */

import { useCallback, useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { api, ApiError } from "../api/client";
import { listen, recentEvents } from "../api/live";
import type { LiveEvent, Run } from "../api/types";
import { applyLiveEvent, mergeRun, provisionalRun, stepsInOrder } from "../flow/runOverlay";

export interface LiveRun {
  run: Run | null;
  /** True while `run` is made of live events only (the first read has not answered yet): ids and states, no details. */
  provisional: boolean;
  error: string | null;
  /** Re-read the run now (after an action such as a response or a cancel). */
  refresh: () => void;
}

/** Coalesce the events of one engine batch into one re-read. */
const REREAD_DELAY_MS = 60;

export function useLiveRun(runId: string | null): LiveRun {
  const [run, setRun] = useState<Run | null>(null);
  const [provisional, setProvisional] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reread = useRef<() => void>(() => {});

  useEffect(() => {
    setRun(null);
    setProvisional(false);
    setError(null);
    if (!runId) return;
    let stopped = false;
    let current: Run | null = null;
    let inFlight = false;
    let again = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    // Each change is its own render: the canvas shows the steps change one after another, in order.
    const show = (r: Run) => {
      current = r;
      flushSync(() => setRun(r));
    };

    const read = async () => {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      again = false;
      try {
        const fresh = await api.getRun(runId);
        if (stopped) return;
        setProvisional(false);
        for (const r of stepsInOrder(current, mergeRun(current, fresh))) show(r);
        setError(null);
      } catch (err) {
        if (stopped) return;
        setError(err instanceof ApiError && err.status === 404 ? `There is no run ${runId}.` : err instanceof Error ? err.message : String(err));
      } finally {
        inFlight = false;
        if (again && !stopped) schedule();
      }
    };

    const schedule = () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void read();
      }, REREAD_DELAY_MS);
    };

    const onEvent = (event: LiveEvent) => {
      if (current) show(applyLiveEvent(current, event));
      schedule();
    };

    reread.current = () => void read();
    // What this page heard of the run before it listened (it followed the run from `run.created`): shown at once,
    // in order. These events are older than the first read, so that read replaces them.
    const backlog = recentEvents(`run:${runId}`);
    const unlisten = listen(`run:${runId}`, onEvent, () => void read());
    void read();
    if (backlog.length)
      queueMicrotask(() => {
        if (stopped || current) return;
        let r = provisionalRun(runId, backlog[0]);
        setProvisional(true);
        for (const e of backlog) show((r = applyLiveEvent(r, e)));
      });
    return () => {
      stopped = true;
      clearTimeout(timer);
      unlisten();
      reread.current = () => {};
    };
  }, [runId]);

  const refresh = useCallback(() => reread.current(), []);
  return { run, provisional, error, refresh };
}
