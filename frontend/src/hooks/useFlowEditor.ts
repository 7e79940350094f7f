/** The editor's document state: nodes, edges and flow fields, every edit as one undoable step. */

import { useCallback, useMemo, useRef, useState } from "react";
import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type XYPosition,
} from "@xyflow/react";
import type { NodeType } from "../api/types";
import {
  DEFAULT_PORT,
  TARGET_HANDLE,
  nextEdgeId,
  nextNodeId,
  toDocEdge,
  toDocNode,
  toDocument,
  toLinkEdge,
  toStepNode,
  type FlowGraph,
  type FlowMeta,
  type LinkEdge,
  type StepData,
  type StepNode,
} from "../flow/adapter";
import type { FlowDocument } from "../flow/document";
import { layoutGraph } from "../flow/layout";
import type { Fragment } from "../flow/clipboard";

interface Snapshot {
  nodes: StepNode[];
  edges: LinkEdge[];
  meta: FlowMeta;
}

const HISTORY_LIMIT = 200;
const COALESCE_MS = 1200;

function isEmptyDefault(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.keys(v as object).length === 0;
}

/**
 * The meaningful defaults of a node type's top-level config properties (`15m`, `normal`...), so a new node's card
 * and document say what it will do. Empty defaults are left out: the server applies them anyway.
 */
export function defaultConfig(nodeType: NodeType | undefined): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(nodeType?.configSchema.properties ?? {}))
    if (!isEmptyDefault(prop.default)) config[key] = structuredClone(prop.default);
  return config;
}

export function useFlowEditor(nodeTypes: Map<string, NodeType>, initial?: FlowGraph) {
  const [nodes, setNodesState] = useState<StepNode[]>(() => initial?.nodes ?? []);
  const [edges, setEdgesState] = useState<LinkEdge[]>(() => initial?.edges ?? []);
  const [meta, setMetaState] = useState<FlowMeta>(() => initial?.meta ?? { name: "", description: "", extra: {} });
  /** Bumped by edits that can change validity (not by moving nodes). */
  const [structureVersion, setStructureVersion] = useState(0);
  const [changeSeq, setChangeSeq] = useState(0);
  const [savedSeq, setSavedSeq] = useState(0);
  const [, setHistoryTick] = useState(0);

  const nodesRef = useRef(nodes);
  const edgesRef = useRef(edges);
  const metaRef = useRef(meta);
  const past = useRef<Snapshot[]>([]);
  const future = useRef<Snapshot[]>([]);
  const lastRecord = useRef<{ key: string; at: number } | null>(null);
  const changeSeqRef = useRef(0);

  const setNodes = useCallback((next: StepNode[]) => {
    nodesRef.current = next;
    setNodesState(next);
  }, []);
  const setEdges = useCallback((next: LinkEdge[]) => {
    edgesRef.current = next;
    setEdgesState(next);
  }, []);
  const setMeta = useCallback((next: FlowMeta) => {
    metaRef.current = next;
    setMetaState(next);
  }, []);

  const changed = useCallback((structural: boolean) => {
    changeSeqRef.current += 1;
    setChangeSeq(changeSeqRef.current);
    if (structural) setStructureVersion((v) => v + 1);
  }, []);

  /** Remember the state before an edit. Edits with the same `coalesceKey` in quick succession share one step. */
  const record = useCallback((coalesceKey?: string) => {
    const now = Date.now();
    if (coalesceKey && lastRecord.current?.key === coalesceKey && now - lastRecord.current.at < COALESCE_MS) {
      lastRecord.current.at = now;
      return;
    }
    lastRecord.current = coalesceKey ? { key: coalesceKey, at: now } : null;
    past.current.push({ nodes: nodesRef.current, edges: edgesRef.current, meta: metaRef.current });
    if (past.current.length > HISTORY_LIMIT) past.current.shift();
    future.current = [];
    setHistoryTick((t) => t + 1);
  }, []);

  const restore = useCallback(
    (s: Snapshot) => {
      setNodes(s.nodes);
      setEdges(s.edges);
      setMeta(s.meta);
      changed(true);
    },
    [setNodes, setEdges, setMeta, changed],
  );

  const undo = useCallback(() => {
    const prev = past.current.pop();
    if (!prev) return;
    future.current.push({ nodes: nodesRef.current, edges: edgesRef.current, meta: metaRef.current });
    lastRecord.current = null;
    restore(prev);
    setHistoryTick((t) => t + 1);
  }, [restore]);

  const redo = useCallback(() => {
    const next = future.current.pop();
    if (!next) return;
    past.current.push({ nodes: nodesRef.current, edges: edgesRef.current, meta: metaRef.current });
    lastRecord.current = null;
    restore(next);
    setHistoryTick((t) => t + 1);
  }, [restore]);

  /** Replace everything with a document (opening a flow, loading someone else's save); clears history. */
  const load = useCallback(
    (graph: FlowGraph, asSaved = true) => {
      past.current = [];
      future.current = [];
      lastRecord.current = null;
      setNodes(graph.nodes);
      setEdges(graph.edges);
      setMeta(graph.meta);
      changed(true);
      if (asSaved) setSavedSeq(changeSeqRef.current);
      setHistoryTick((t) => t + 1);
    },
    [setNodes, setEdges, setMeta, changed],
  );

  const markSaved = useCallback((seq: number) => setSavedSeq(seq), []);

  const onNodesChange = useCallback(
    (changes: NodeChange<StepNode>[]) => {
      const removes = changes.some((c) => c.type === "remove");
      const moves = changes.some((c) => c.type === "position" && c.position);
      if (removes) record();
      let next = applyNodeChanges(changes, nodesRef.current);
      if (changes.some((c) => c.type === "dimensions")) {
        // Once measured, a node's real handle positions replace the estimates it opened with (flow/geometry.ts).
        const measured = new Set(changes.filter((c) => c.type === "dimensions").map((c) => c.id));
        next = next.map((n) => (n.handles && measured.has(n.id) ? { ...n, handles: undefined } : n));
      }
      if (removes) {
        const ids = new Set(next.map((n) => n.id));
        setEdges(edgesRef.current.filter((e) => ids.has(e.source) && ids.has(e.target)));
      }
      setNodes(next);
      if (removes || moves) changed(removes);
    },
    [record, setNodes, setEdges, changed],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<LinkEdge>[]) => {
      const removes = changes.some((c) => c.type === "remove");
      if (removes) record();
      setEdges(applyEdgeChanges(changes, edgesRef.current));
      if (removes) changed(true);
    },
    [record, setEdges, changed],
  );

  /** Call when a drag begins so the whole drag is one undo step. */
  const onDragStart = useCallback(() => record(), [record]);

  const connect = useCallback(
    (c: Connection) => {
      if (!c.source || !c.target || c.source === c.target) return;
      const port = c.sourceHandle || DEFAULT_PORT;
      const exists = edgesRef.current.some((e) => e.source === c.source && e.target === c.target && (e.sourceHandle || DEFAULT_PORT) === port);
      if (exists) return;
      record();
      const id = nextEdgeId(new Set(edgesRef.current.map((e) => e.id)));
      setEdges([
        ...edgesRef.current,
        { id, source: c.source, target: c.target, sourceHandle: port, targetHandle: TARGET_HANDLE, data: { extra: {}, explicitPort: false } },
      ]);
      changed(true);
    },
    [record, setEdges, changed],
  );

  const reconnect = useCallback(
    (old: LinkEdge, c: Connection) => {
      if (!c.source || !c.target || c.source === c.target) return;
      record();
      setEdges(
        edgesRef.current.map((e) =>
          e.id === old.id ? { ...e, source: c.source, target: c.target, sourceHandle: c.sourceHandle || DEFAULT_PORT, targetHandle: TARGET_HANDLE } : e,
        ),
      );
      changed(true);
    },
    [record, setEdges, changed],
  );

  const removeEdge = useCallback(
    (id: string) => {
      record();
      setEdges(edgesRef.current.filter((e) => e.id !== id));
      changed(true);
    },
    [record, setEdges, changed],
  );

  const addNode = useCallback(
    (typeName: string, position: XYPosition): string => {
      record();
      const nodeType = nodeTypes.get(typeName);
      const id = nextNodeId(typeName, new Set(nodesRef.current.map((n) => n.id)));
      const node: StepNode = {
        id,
        type: "step",
        position: { x: Math.round(position.x), y: Math.round(position.y) },
        selected: true,
        data: { typeName, label: "", config: defaultConfig(nodeType), extra: {} },
      };
      setNodes([...nodesRef.current.map((n) => (n.selected ? { ...n, selected: false } : n)), node]);
      setEdges(edgesRef.current.map((e) => (e.selected ? { ...e, selected: false } : e)));
      changed(true);
      return id;
    },
    [nodeTypes, record, setNodes, setEdges, changed],
  );

  /** Change a node's label or config; typing in one field is coalesced into one undo step. */
  const updateNode = useCallback(
    (id: string, patch: Partial<Pick<StepData, "label" | "config">>, coalesceKey?: string) => {
      record(coalesceKey ? `${id}:${coalesceKey}` : undefined);
      setNodes(nodesRef.current.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n)));
      changed(true);
    },
    [record, setNodes, changed],
  );

  /** Rename a node id, rewriting its edges (template references are left to validation to point out). */
  const renameNode = useCallback(
    (id: string, newId: string): boolean => {
      if (!newId || newId === id || nodesRef.current.some((n) => n.id === newId)) return false;
      record();
      setNodes(nodesRef.current.map((n) => (n.id === id ? { ...n, id: newId } : n)));
      setEdges(
        edgesRef.current.map((e) => ({ ...e, source: e.source === id ? newId : e.source, target: e.target === id ? newId : e.target })),
      );
      changed(true);
      return true;
    },
    [record, setNodes, setEdges, changed],
  );

  const updateMeta = useCallback(
    (patch: Partial<Pick<FlowMeta, "name" | "description">>) => {
      record(`meta:${Object.keys(patch).join(",")}`);
      setMeta({ ...metaRef.current, ...patch });
      changed(true);
    },
    [record, setMeta, changed],
  );

  const deleteSelection = useCallback(() => {
    const gone = new Set(nodesRef.current.filter((n) => n.selected).map((n) => n.id));
    const edgeGone = edgesRef.current.filter((e) => e.selected || gone.has(e.source) || gone.has(e.target));
    if (!gone.size && !edgeGone.length) return;
    record();
    setNodes(nodesRef.current.filter((n) => !gone.has(n.id)));
    const dropped = new Set(edgeGone.map((e) => e.id));
    setEdges(edgesRef.current.filter((e) => !dropped.has(e.id)));
    changed(true);
  }, [record, setNodes, setEdges, changed]);

  const selectAll = useCallback(() => {
    setNodes(nodesRef.current.map((n) => (n.selected ? n : { ...n, selected: true })));
    setEdges(edgesRef.current.map((e) => (e.selected ? e : { ...e, selected: true })));
  }, [setNodes, setEdges]);

  const selectOnly = useCallback(
    (id: string | null) => {
      setNodes(nodesRef.current.map((n) => (Boolean(n.selected) === (n.id === id) ? n : { ...n, selected: n.id === id })));
      setEdges(edgesRef.current.map((e) => (e.selected ? { ...e, selected: false } : e)));
    },
    [setNodes, setEdges],
  );

  /** The selected nodes and the edges between them, as document pieces (for the clipboard). */
  const selectionFragment = useCallback((): { nodes: ReturnType<typeof toDocNode>[]; edges: ReturnType<typeof toDocEdge>[] } => {
    const picked = nodesRef.current.filter((n) => n.selected);
    const ids = new Set(picked.map((n) => n.id));
    return {
      nodes: picked.map(toDocNode),
      edges: edgesRef.current.filter((e) => ids.has(e.source) && ids.has(e.target)).map(toDocEdge),
    };
  }, []);

  /** Insert a copied fragment with fresh ids; `at` places its top-left corner, else it lands offset from the original. */
  const paste = useCallback(
    (fragment: Fragment, at?: XYPosition): number => {
      if (!fragment.nodes.length) return 0;
      record();
      const taken = new Set(nodesRef.current.map((n) => n.id));
      const idMap = new Map<string, string>();
      const xs = fragment.nodes.map((n) => n.position?.x ?? 0);
      const ys = fragment.nodes.map((n) => n.position?.y ?? 0);
      const minX = Math.min(...xs);
      const minY = Math.min(...ys);
      const dx = at ? at.x - minX : 40;
      const dy = at ? at.y - minY : 40;
      const added: StepNode[] = fragment.nodes.map((doc, i) => {
        const id = nextNodeId(taken.has(doc.id) ? doc.type : doc.id, taken);
        taken.add(id);
        idMap.set(doc.id, id);
        const node = toStepNode({ ...doc, id, config: structuredClone(doc.config ?? {}) }, i);
        return { ...node, selected: true, position: { x: Math.round(node.position.x + dx), y: Math.round(node.position.y + dy) } };
      });
      const edgeIds = new Set(edgesRef.current.map((e) => e.id));
      const addedEdges: LinkEdge[] = [];
      for (const doc of fragment.edges) {
        const source = idMap.get(doc.source);
        const target = idMap.get(doc.target);
        if (!source || !target) continue;
        const id = nextEdgeId(edgeIds);
        edgeIds.add(id);
        addedEdges.push({ ...toLinkEdge({ ...doc, id, source, target }), selected: false });
      }
      setNodes([...nodesRef.current.map((n) => (n.selected ? { ...n, selected: false } : n)), ...added]);
      setEdges([...edgesRef.current.map((e) => (e.selected ? { ...e, selected: false } : e)), ...addedEdges]);
      changed(true);
      return added.length;
    },
    [record, setNodes, setEdges, changed],
  );

  const autoLayout = useCallback(() => {
    if (!nodesRef.current.length) return;
    record();
    setNodes(layoutGraph(nodesRef.current, edgesRef.current));
    changed(false);
  }, [record, setNodes, changed]);

  const document = useCallback(
    (): FlowDocument => toDocument({ meta: metaRef.current, nodes: nodesRef.current, edges: edgesRef.current }),
    [],
  );

  return useMemo(
    () => ({
      nodes,
      edges,
      meta,
      structureVersion,
      changeSeq,
      isDirty: changeSeq !== savedSeq,
      canUndo: past.current.length > 0,
      canRedo: future.current.length > 0,
      load,
      markSaved,
      onNodesChange,
      onEdgesChange,
      onDragStart,
      connect,
      reconnect,
      removeEdge,
      addNode,
      updateNode,
      renameNode,
      updateMeta,
      deleteSelection,
      selectAll,
      selectOnly,
      selectionFragment,
      paste,
      autoLayout,
      undo,
      redo,
      document,
      currentSeq: () => changeSeqRef.current,
      nodesNow: () => nodesRef.current,
    }),
    // past/future lengths are read through refs; the history tick re-renders the owner.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [nodes, edges, meta, structureVersion, changeSeq, savedSeq, past.current.length, future.current.length],
  );
}

export type FlowEditor = ReturnType<typeof useFlowEditor>;
