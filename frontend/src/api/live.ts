/** The one Socket.IO connection: rooms joined while someone listens, the connection state, and re-joins after a drop. */

import { io, type Socket } from "socket.io-client";
import type { LiveEvent } from "./types";
import { toLiveEvent } from "./client";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

interface Listener {
  room: string;
  onEvent: (e: LiveEvent) => void;
  /** Called after every (re)connect once the room is joined: the moment to re-read state over REST. */
  onSync: () => void;
}

const EVENTS = [
  "run.created",
  "run.waiting",
  "run.resumed",
  "run.finished",
  "step.started",
  "step.retrying",
  "step.waiting",
  "step.resumed",
  "step.finished",
  "incident.updated",
];

let socket: Socket | null = null;
let state: ConnectionState = "connecting";
let held = false;
const listeners = new Set<Listener>();
const stateListeners = new Set<() => void>();
const joined = new Set<string>();
/** The events received lately, newest last: a run followed from its `run.created` (heard in a flow's room)
 *  starts from what was already heard of it instead of losing it to the moment it took to start listening. */
const recent: LiveEvent[] = [];
const RECENT_MAX = 500;
const RECENT_MS = 30_000;

declare global {
  interface Window {
    /** Test and benchmark hooks: hold/release the connection, join a room (its events reach `log`), and (when
     *  `log` is an array) record every event received. */
    __mendflowLive?: {
      state: () => ConnectionState;
      hold: () => void;
      release: () => void;
      watch: (room: string) => () => void;
      log?: LiveEvent[];
    };
  }
}

function setState(next: ConnectionState) {
  if (state === next) return;
  state = next;
  for (const l of stateListeners) l();
}

function matches(room: string, e: LiveEvent): boolean {
  if (room.startsWith("run:")) return e.runId === room.slice(4);
  if (room.startsWith("flow:")) return e.flowId === room.slice(5);
  if (room.startsWith("runs:")) return e.name.startsWith("run.") && e.flowId === room.slice(5);
  if (room.startsWith("incident:")) return String(e.incidentId) === room.slice(9);
  return false;
}

function join(room: string, then?: () => void) {
  if (!socket?.connected) return;
  socket.emit("subscribe", { room }, () => {
    joined.add(room);
    then?.();
  });
}

function connection(): Socket {
  if (socket) return socket;
  const s = io({ transports: ["websocket"], reconnectionDelay: 500, reconnectionDelayMax: 3000 });
  socket = s;
  s.on("connect", () => {
    setState("live");
    joined.clear();
    const rooms = new Set([...listeners].map((l) => l.room));
    for (const room of rooms) join(room, () => {
      for (const l of listeners) if (l.room === room) l.onSync();
    });
  });
  s.on("disconnect", () => setState(held ? "offline" : "reconnecting"));
  s.io.on("reconnect_attempt", () => setState("reconnecting"));
  s.on("connect_error", () => setState(navigator.onLine && !held ? "reconnecting" : "offline"));
  const dispatch = (name: string, payload: Record<string, unknown>) => {
    const e = toLiveEvent(name, payload);
    window.__mendflowLive?.log?.push(e);
    recent.push(e);
    while (recent.length > RECENT_MAX || (recent.length && e.receivedAt - recent[0].receivedAt > RECENT_MS)) recent.shift();
    for (const l of [...listeners]) if (matches(l.room, e)) l.onEvent(e);
  };
  for (const name of EVENTS) s.on(name, (payload) => dispatch(name, payload));
  // Coming back online: try at once instead of waiting for the back-off.
  window.addEventListener("online", () => {
    if (!s.connected && !held) {
      s.disconnect();
      s.connect();
    }
  });
  window.addEventListener("offline", () => setState("offline"));
  window.__mendflowLive = {
    ...window.__mendflowLive,
    state: () => state,
    hold: () => {
      held = true;
      s.disconnect();
      setState("offline");
    },
    release: () => {
      held = false;
      setState("connecting");
      s.connect();
    },
    watch: (room: string) => listen(room, () => undefined, () => undefined),
  };
  return s;
}

/** Listen to a room (`flow:<id>`, `run:<id>`, `runs:<flow id>`, `incident:<id>`); returns the unsubscribe.
 *  `onSync` runs after each (re)connect. */
export function listen(room: string, onEvent: (e: LiveEvent) => void, onSync: () => void): () => void {
  const s = connection();
  const l: Listener = { room, onEvent, onSync };
  const first = ![...listeners].some((x) => x.room === room);
  listeners.add(l);
  if (first && s.connected) join(room, onSync);
  else if (s.connected && joined.has(room)) onSync();
  return () => {
    listeners.delete(l);
    if (![...listeners].some((x) => x.room === room) && joined.has(room)) {
      joined.delete(room);
      if (s.connected) s.emit("unsubscribe", { room });
    }
  };
}

/** The events of a room received in the last half minute, oldest first (the same room names as `listen`). */
export function recentEvents(room: string): LiveEvent[] {
  const since = Date.now() - RECENT_MS;
  return recent.filter((e) => e.receivedAt >= since && matches(room, e));
}

export function connectionState(): ConnectionState {
  return state;
}

export function onConnectionState(cb: () => void): () => void {
  connection();
  stateListeners.add(cb);
  return () => stateListeners.delete(cb);
}
