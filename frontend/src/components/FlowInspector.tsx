import { Copy, Trash2, Webhook } from "lucide-react";
import type { Hook } from "../api/types";
import type { FlowEditor } from "../hooks/useFlowEditor";

interface Props {
  editor: FlowEditor;
  flowId: string;
  hooks: Hook[];
  selectedCount: number;
  onCopy: () => void;
}

/** The side panel when no single node is selected: the flow's name and description, its webhooks, or the multi-selection. */
export default function FlowInspector({ editor, flowId, hooks, selectedCount, onCopy }: Props) {
  if (selectedCount > 1)
    return (
      <div className="inspector" data-testid="selection-inspector">
        <h3>{selectedCount} steps selected</h3>
        <p className="muted small">Drag any of them to move them together. Copy them to paste here or into another flow.</p>
        <div className="button-row">
          <button onClick={onCopy}>
            <Copy size={15} /> Copy
          </button>
          <button className="danger" onClick={editor.deleteSelection}>
            <Trash2 size={15} /> Delete
          </button>
        </div>
      </div>
    );

  return (
    <div className="inspector" data-testid="flow-inspector">
      <h3>Flow</h3>
      <div className="form-group">
        <label className="control-label" htmlFor="flow-name">
          Name
        </label>
        <input id="flow-name" value={editor.meta.name} onChange={(e) => editor.updateMeta({ name: e.target.value })} data-testid="flow-name-input" />
      </div>
      <div className="form-group">
        <label className="control-label" htmlFor="flow-description">
          Description
        </label>
        <textarea id="flow-description" rows={3} value={editor.meta.description} onChange={(e) => editor.updateMeta({ description: e.target.value })} />
      </div>
      <div className="form-group">
        <span className="control-label">Id</span>
        <code className="block-code">{flowId}</code>
      </div>
      <div className="stats">
        <div>
          <strong>{editor.nodes.length}</strong> steps
        </div>
        <div>
          <strong>{editor.edges.length}</strong> connections
        </div>
      </div>
      {hooks.length > 0 && (
        <section className="inspector-section">
          <h4>
            <Webhook size={14} /> Webhooks
          </h4>
          {hooks.map((h) => (
            <div key={h.nodeId} className="hook-row">
              <div className="muted small">{h.nodeId}</div>
              <code className="block-code select-all">{new URL(h.url, location.origin).toString()}</code>
            </div>
          ))}
        </section>
      )}
      <p className="muted small tip">Select a step to configure it. Press <kbd>?</kbd> for keyboard shortcuts.</p>
    </div>
  );
}
