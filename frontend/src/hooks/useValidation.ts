/** Live validation: POST /api/flows/validate a short while after each structural edit, newest answer wins. */

import { useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import type { Problem } from "../api/types";
import type { FlowDocument } from "../flow/document";

export interface ValidationState {
  problems: Problem[];
  checking: boolean;
  /** Set when the server could not be asked (offline); the last problems are kept. */
  error: string | null;
}

export function useValidation(version: number, enabled: boolean, getDocument: () => FlowDocument, delayMs = 350): ValidationState {
  const [state, setState] = useState<ValidationState>({ problems: [], checking: false, error: null });
  const getDoc = useRef(getDocument);
  getDoc.current = getDocument;

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    setState((s) => (s.checking ? s : { ...s, checking: true }));
    const timer = setTimeout(() => {
      api
        .validate(getDoc.current(), controller.signal)
        .then((problems) => setState({ problems, checking: false, error: null }))
        .catch((err: unknown) => {
          if (controller.signal.aborted) return;
          setState((s) => ({ ...s, checking: false, error: err instanceof Error ? err.message : String(err) }));
        });
    }, delayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [version, enabled, delayMs]);

  return state;
}
