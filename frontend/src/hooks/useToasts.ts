/** Short-lived notices in the corner ("Saved", "Published v3", errors). */

import { createContext, useContext } from "react";

export type ToastTone = "info" | "success" | "error";

export interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
}

export interface ToastApi {
  show: (text: string, tone?: ToastTone) => void;
}

export const ToastContext = createContext<ToastApi>({ show: () => undefined });

export function useToasts(): ToastApi {
  return useContext(ToastContext);
}
