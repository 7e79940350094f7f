import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { CircleAlert, Trash2 } from "lucide-react";
import type { NodeType, Problem } from "../api/types";
import type { LinkEdge, StepNode } from "../flow/adapter";
import { portsOf } from "../flow/ports";
import { templateSuggestions, upstreamOf } from "../flow/templates";
import { problemField } from "../forms/uiSchema";
import type { FlowEditor } from "../hooks/useFlowEditor";
import { useNodeTypes } from "../hooks/useNodeTypes";
import NodeIcon from "./NodeIcon";
import PortConnections from "./PortConnections";

// The generated form (rjsf + ajv) is the largest dependency; load it when the first node is selected.
const ConfigForm = lazy(() => import("./ConfigForm"));

interface Props {
  node: StepNode;
  editor: FlowEditor;
  problems: Problem[];
}

function triggerSampleKeys(nodes: StepNode[], edges: LinkEdge[], nodeId: string, byType: Map<string, NodeType>): string[] {
  const upstream = new Set(upstreamOf(nodeId, edges));
  const keys = new Set<string>();
  for (const n of nodes) {
    const t = byType.get(n.data.typeName);
    if (t?.isTrigger && (upstream.has(n.id) || upstream.size === 0) && t.sampleEvent) for (const k of Object.keys(t.sampleEvent)) keys.add(k);
  }
  return [...keys];
}

/** The side panel for one selected node: label, id, generated config form, output connections and its problems. */
export default function NodeInspector({ node, editor, problems }: Props) {
  const { byType } = useNodeTypes();
  const nodeType = byType.get(node.data.typeName);
  const [idDraft, setIdDraft] = useState(node.id);
  const [idError, setIdError] = useState<string | null>(null);
  useEffect(() => {
    setIdDraft(node.id);
    setIdError(null);
  }, [node.id]);

  const labelOf = (id: string) => {
    const n = editor.nodes.find((x) => x.id === id);
    return n ? n.data.label || byType.get(n.data.typeName)?.title || id : id;
  };

  const suggestions = useMemo(() => {
    const upstream = upstreamOf(node.id, editor.edges).map((id) => ({ id, label: labelOf(id) }));
    return templateSuggestions(triggerSampleKeys(editor.nodes, editor.edges, node.id, byType), upstream);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [node.id, editor.edges, byType]);

  const ports = portsOf(nodeType, node.data.config, editor.edges.filter((e) => e.source === node.id).map((e) => e.sourceHandle || "out"));
  const fieldless = problems.filter((p) => !problemField(p) || !(problemField(p)! in (nodeType?.configSchema.properties ?? {})));

  const commitId = () => {
    const v = idDraft.trim();
    if (v === node.id) return;
    if (!/^[A-Za-z0-9_-]+$/.test(v)) {
      setIdError("Use letters, digits, - and _ only.");
      return;
    }
    if (!editor.renameNode(node.id, v)) setIdError(`Another step already has the id “${v}”.`);
    else setIdError(null);
  };

  return (
    <div className="inspector" data-testid="node-inspector">
      <div className="inspector-head">
        <NodeIcon icon={nodeType?.icon} category={nodeType?.category ?? ""} tile size={18} />
        <div>
          <h3>{nodeType?.title ?? "Unknown step type"}</h3>
          <div className="muted small">
            <code>{node.data.typeName}</code>
            {nodeType && <> · v{nodeType.version}</>}
          </div>
        </div>
      </div>
      {nodeType?.description && <p className="type-help">{nodeType.description.split(/\n\s*\n/)[0]}</p>}
      {!nodeType && (
        <div className="problem-box">This flow uses a step type this server does not know. It is kept as it is when you save.</div>
      )}

      {fieldless.length > 0 && (
        <ul className="inspector-problems" data-testid="inspector-problems">
          {fieldless.map((p, i) => (
            <li key={i}>
              <CircleAlert size={14} /> {p.message}
            </li>
          ))}
        </ul>
      )}

      <div className="form-group">
        <label className="control-label" htmlFor="node-label">
          Label
        </label>
        <input
          id="node-label"
          value={node.data.label}
          placeholder={nodeType?.title}
          onChange={(e) => editor.updateNode(node.id, { label: e.target.value }, "label")}
          data-testid="node-label"
        />
      </div>
      <div className="form-group">
        <label className="control-label" htmlFor="node-id">
          Id <span className="muted small">(used in templates as steps.{node.id})</span>
        </label>
        <input
          id="node-id"
          value={idDraft}
          onChange={(e) => setIdDraft(e.target.value)}
          onBlur={commitId}
          onKeyDown={(e) => e.key === "Enter" && commitId()}
          className={idError ? "has-error" : undefined}
        />
        {idError && <div className="field-hint error">{idError}</div>}
      </div>

      {nodeType && (
        <section className="inspector-section">
          <h4>Configuration</h4>
          <Suspense fallback={<p className="muted small">Loading form…</p>}>
          <ConfigForm
            key={`${node.id}:${node.data.typeName}`}
            nodeType={nodeType}
            config={node.data.config}
            problems={problems}
            suggestions={suggestions}
            onChange={(config, field) => editor.updateNode(node.id, { config }, `config:${field}`)}
          />
          </Suspense>
        </section>
      )}

      <section className="inspector-section">
        <h4>Outputs</h4>
        <PortConnections
          node={node}
          ports={ports}
          nodes={editor.nodes}
          edges={editor.edges}
          isTrigger={(t) => Boolean(byType.get(t)?.isTrigger)}
          labelOf={labelOf}
          onConnect={(port, target) => editor.connect({ source: node.id, sourceHandle: port, target, targetHandle: "in" })}
          onRemove={editor.removeEdge}
        />
      </section>

      <button className="danger wide" onClick={editor.deleteSelection} data-testid="delete-node">
        <Trash2 size={15} /> Delete step
      </button>
    </div>
  );
}
