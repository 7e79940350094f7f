import { useCallback, useEffect, useRef, type PointerEvent } from "react";
import { Panel, useReactFlow, useStore, type ReactFlowState } from "@xyflow/react";
import type { StepNode } from "../flow/adapter";

const W = 200;
const H = 140;
const CARD_W = 220;
const CARD_H = 110;

interface Props {
  nodes: StepNode[];
  colorOf: (n: StepNode) => string;
}

const selectView = (s: ReactFlowState) => ({ transform: s.transform, width: s.width, height: s.height });
const sameView = (a: ReturnType<typeof selectView>, b: ReturnType<typeof selectView>) =>
  a.width === b.width && a.height === b.height && a.transform[0] === b.transform[0] && a.transform[1] === b.transform[1] && a.transform[2] === b.transform[2];

/**
 * The minimap, drawn on one <canvas>: a thousand nodes cost a millisecond, where an SVG element per node
 * costs hundreds. Click or drag on it to move the view there.
 */
export default function FlowMiniMap({ nodes, colorOf }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { transform, width, height } = useStore(selectView, sameView);
  const { setViewport } = useReactFlow();
  const scaleRef = useRef({ scale: 1, ox: 0, oy: 0 });

  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext("2d");
    if (!el || !ctx) return;
    const [tx, ty, zoom] = transform;
    const view = { x: -tx / zoom, y: -ty / zoom, w: width / zoom, h: height / zoom };
    let minX = view.x;
    let minY = view.y;
    let maxX = view.x + view.w;
    let maxY = view.y + view.h;
    for (const n of nodes) {
      minX = Math.min(minX, n.position.x);
      minY = Math.min(minY, n.position.y);
      maxX = Math.max(maxX, n.position.x + (n.measured?.width ?? CARD_W));
      maxY = Math.max(maxY, n.position.y + (n.measured?.height ?? CARD_H));
    }
    const pad = 40;
    const scale = Math.min(W / (maxX - minX + 2 * pad), H / (maxY - minY + 2 * pad));
    const ox = (W - (maxX - minX) * scale) / 2 - minX * scale;
    const oy = (H - (maxY - minY) * scale) / 2 - minY * scale;
    scaleRef.current = { scale, ox, oy };

    const dpr = window.devicePixelRatio || 1;
    if (el.width !== W * dpr) {
      el.width = W * dpr;
      el.height = H * dpr;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "rgba(241,245,249,0.9)";
    ctx.fillRect(0, 0, W, H);
    ctx.fillStyle = "#fff";
    ctx.fillRect(ox + view.x * scale, oy + view.y * scale, view.w * scale, view.h * scale);
    for (const n of nodes) {
      ctx.fillStyle = colorOf(n);
      const w = Math.max((n.measured?.width ?? CARD_W) * scale, 1.5);
      const h = Math.max((n.measured?.height ?? CARD_H) * scale, 1.5);
      ctx.fillRect(ox + n.position.x * scale, oy + n.position.y * scale, w, h);
    }
    ctx.strokeStyle = "#4f46e5";
    ctx.lineWidth = 1.5;
    ctx.strokeRect(ox + view.x * scale, oy + view.y * scale, view.w * scale, view.h * scale);
  }, [nodes, colorOf, transform, width, height]);

  const moveTo = useCallback(
    (e: PointerEvent<HTMLCanvasElement>) => {
      const rect = e.currentTarget.getBoundingClientRect();
      const { scale, ox, oy } = scaleRef.current;
      const fx = (e.clientX - rect.left - ox) / scale;
      const fy = (e.clientY - rect.top - oy) / scale;
      const zoom = transform[2];
      void setViewport({ x: width / 2 - fx * zoom, y: height / 2 - fy * zoom, zoom });
    },
    [setViewport, transform, width, height],
  );

  return (
    <Panel position="bottom-right" className="flow-minimap">
      <canvas
        ref={canvas}
        style={{ width: W, height: H }}
        aria-label="Minimap: click to move the view"
        data-testid="minimap"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          moveTo(e);
        }}
        onPointerMove={(e) => e.buttons === 1 && moveTo(e)}
      />
    </Panel>
  );
}
