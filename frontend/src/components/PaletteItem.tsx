import type { DragEvent } from "react";
import type { NodeType } from "../api/types";
import NodeIcon from "./NodeIcon";

export const DRAG_MIME = "application/x-mendflow-node-type";

interface Props {
  nodeType: NodeType;
  onAdd: (type: string) => void;
}

function firstSentence(text: string): string {
  const line = text.split(/\n\s*\n/)[0].replace(/\s+/g, " ").trim();
  return line.replace(/[`*_]/g, "");
}

/** One node type in the palette: drag it onto the canvas, or press Enter / double-click to add it in the middle. */
export default function PaletteItem({ nodeType, onAdd }: Props) {
  const onDragStart = (e: DragEvent) => {
    e.dataTransfer.setData(DRAG_MIME, nodeType.type);
    e.dataTransfer.setData("text/plain", nodeType.type);
    e.dataTransfer.effectAllowed = "copy";
  };
  return (
    <div
      className="palette-item"
      draggable
      onDragStart={onDragStart}
      onDoubleClick={() => onAdd(nodeType.type)}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          onAdd(nodeType.type);
        }
      }}
      tabIndex={0}
      role="button"
      aria-label={`Add ${nodeType.title}`}
      title={`${nodeType.description}\n\n${nodeType.type} · drag onto the canvas`}
      data-testid={`palette-${nodeType.type}`}
    >
      <NodeIcon icon={nodeType.icon} category={nodeType.category} tile size={15} />
      <div className="palette-text">
        <div className="palette-title">{nodeType.title}</div>
        <div className="palette-desc">{firstSentence(nodeType.description) || nodeType.type}</div>
      </div>
    </div>
  );
}
