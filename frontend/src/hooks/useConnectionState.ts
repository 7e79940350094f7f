/** The live connection's state (connecting, live, reconnecting, offline) as React state. */

import { useSyncExternalStore } from "react";
import { connectionState, onConnectionState, type ConnectionState } from "../api/live";

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(onConnectionState, connectionState);
}
