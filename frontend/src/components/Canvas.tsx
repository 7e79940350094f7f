import { useCallback, useMemo, useState, type DragEvent } from "react";
import {
  Background,
  BackgroundVariant,
  ConnectionLineType,
  Controls,
  MarkerType,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type IsValidConnection,
} from "@xyflow/react";
import { MousePointerClick } from "lucide-react";
import { categoryInfo } from "../catalog/categories";
import type { LinkEdge, StepNode } from "../flow/adapter";
import type { FlowEditor } from "../hooks/useFlowEditor";
import { useNodeTypes } from "../hooks/useNodeTypes";
import { DRAG_MIME } from "./PaletteItem";
import FlowMiniMap from "./FlowMiniMap";
import StepCard from "./StepCard";
import { fitViewport, paneSizeGuess } from "../flow/viewport";
import type { EdgeRunState } from "../flow/runOverlay";

const NODE_TYPES = { step: StepCard };
const DEFAULT_EDGE_OPTIONS = { markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 }, interactionWidth: 18 };
const SNAP: [number, number] = [10, 10];
const NO_PATH = new Map<string, EdgeRunState>();

interface Props {
  editor: FlowEditor;
  problemEdges: Set<string>;
  /** The edges the run shown on the canvas went through. */
  runPath?: Map<string, EdgeRunState>;
  /** Card width and header height, so a dropped node lands centred under the pointer. */
  dropOffset?: { x: number; y: number };
}

/** The React Flow pane: drop from the palette, connect ports, select, move, minimap. */
export default function Canvas({ editor, problemEdges, runPath = NO_PATH, dropOffset = { x: 110, y: 32 } }: Props) {
  const { screenToFlowPosition } = useReactFlow();
  const { byType } = useNodeTypes();
  const { nodes, edges } = editor;
  // Open with every node in view, computed from the document's positions before the first render (no re-render,
  // no waiting for 1,000 nodes to be measured). An empty canvas starts at the origin and stays put on the first drop.
  const [openViewport] = useState(() => {
    const { width, height } = paneSizeGuess();
    return editor.nodes.length ? fitViewport(editor.nodes, width, height) : { x: 0, y: 0, zoom: 1 };
  });

  // Port names are on the cards; edge text labels are left out on purpose: React Flow measures each one with
  // getBBox(), a forced layout per edge that costs more than everything else when a big flow opens.
  const shownEdges = useMemo<Edge[]>(
    () =>
      edges.map((e: LinkEdge) => {
        const bad = problemEdges.has(e.id);
        const errorPort = e.sourceHandle === "error";
        const ran = runPath.get(e.id);
        if (!bad && !errorPort && !ran) return runPath.size ? { ...e, className: "edge-not-taken" } : e;
        const classes = [bad ? "edge-problem" : "", errorPort ? "edge-error-port" : "", ran ? `edge-taken edge-${ran}` : ""];
        return { ...e, className: classes.join(" ").trim(), animated: ran === "flowing" };
      }),
    [edges, problemEdges, runPath],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(DRAG_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(DRAG_MIME);
      if (!type) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      editor.addNode(type, { x: p.x - dropOffset.x, y: p.y - dropOffset.y });
    },
    [editor, screenToFlowPosition, dropOffset],
  );

  const isValidConnection: IsValidConnection = useCallback(
    (c: Connection | Edge) => {
      if (c.source === c.target) return false;
      const target = nodes.find((n) => n.id === c.target);
      return !(target && byType.get(target.data.typeName)?.isTrigger);
    },
    [nodes, byType],
  );

  const minimapColor = useCallback(
    (n: StepNode) => categoryInfo(byType.get(n.data.typeName)?.category ?? n.data.typeName.split(".")[0]).color,
    [byType],
  );

  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<StepNode, Edge>
        nodes={nodes}
        edges={shownEdges}
        nodeTypes={NODE_TYPES}
        onNodesChange={editor.onNodesChange}
        onEdgesChange={editor.onEdgesChange as never}
        onConnect={editor.connect}
        onReconnect={editor.reconnect as never}
        onNodeDragStart={editor.onDragStart}
        onSelectionDragStart={editor.onDragStart}
        isValidConnection={isValidConnection}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        connectionLineType={ConnectionLineType.Bezier}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Meta", "Control"]}
        snapToGrid
        snapGrid={SNAP}
        edgesReconnectable
        onlyRenderVisibleElements={nodes.length > 300}
        defaultViewport={openViewport}
        minZoom={0.05}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.3} color="#cbd5e1" />
        <Controls showInteractive={false} position="bottom-left" />
        <FlowMiniMap nodes={nodes} colorOf={minimapColor} />
      </ReactFlow>
      {nodes.length === 0 && (
        <div className="canvas-empty">
          <MousePointerClick size={28} strokeWidth={1.5} />
          <p>
            <strong>Start with a trigger.</strong> Drag a step from the palette onto the canvas, then connect its ports.
          </p>
        </div>
      )}
    </div>
  );
}
