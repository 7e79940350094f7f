import { memo, useEffect, useMemo, useRef } from "react";
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from "@xyflow/react";
import { CircleAlert, CircleCheck, CircleX, Hourglass, Loader, SkipForward } from "lucide-react";
import { categoryInfo } from "../catalog/categories";
import { DEFAULT_PORT, TARGET_HANDLE, type StepNode } from "../flow/adapter";
import { portsOf } from "../flow/ports";
import { summarize } from "../flow/summary";
import { useCanvasDecor } from "../hooks/useCanvasDecor";
import { useNodeTypes } from "../hooks/useNodeTypes";
import NodeIcon from "./NodeIcon";
import "../styles/live.css";
import type { Step, StepStatus } from "../api/types";
import { duration } from "../format/time";

const STATUS_ICON: Partial<Record<StepStatus, typeof CircleCheck>> = {
  succeeded: CircleCheck,
  failed: CircleX,
  running: Loader,
  retrying: Loader,
  waiting: Hourglass,
  skipped: SkipForward,
  cancelled: CircleX,
};

/** The run's word on this step: its status, the attempts when more than one, and how long it took. */
function RunBadge({ step }: { step: Step }) {
  const parts: string[] = [step.status];
  if (step.attempts > 1) parts.push(step.status === "retrying" ? `attempt ${step.attempts} failed` : `${step.attempts} attempts`);
  if (step.durationMs !== null && step.finishedAt) parts.push(duration(step.durationMs));
  if (step.status === "waiting" && step.wait?.until) parts.push(`until ${new Date(step.wait.until).toLocaleTimeString()}`);
  if (step.port && step.port !== DEFAULT_PORT && step.status !== "skipped") parts.push(`→ ${step.port}`);
  return (
    <div className={`step-run-badge status-${step.status}`} data-testid="node-run-badge" title={parts.join(" · ")}>
      {parts.join(" · ")}
    </div>
  );
}

/** A step on the canvas: icon, label, one-line config summary and its labelled output ports. */
function StepCard({ id, data, selected }: NodeProps<StepNode>) {
  const { byType } = useNodeTypes();
  const { problemsByNode, runSteps, dryRun, respond, usedPorts } = useCanvasDecor();
  const nodeType = byType.get(data.typeName);
  const category = nodeType?.category ?? data.typeName.split(".")[0] ?? "";
  const { color } = categoryInfo(category);
  const ports = useMemo(() => portsOf(nodeType, data.config, usedPorts.get(id)), [nodeType, data.config, usedPorts, id]);
  const summary = useMemo(() => summarize(nodeType, data.config), [nodeType, data.config]);
  const problems = problemsByNode.get(id);
  const step = runSteps.get(id);
  const status = step?.status;
  const StatusIcon = status ? STATUS_ICON[status] : undefined;
  const responses = status === "waiting" ? (step?.wait?.responses ?? []) : [];

  const updateNodeInternals = useUpdateNodeInternals();
  const portKey = ports.join("\u0000");
  const shownPorts = useRef(portKey);
  useEffect(() => {
    // React Flow measures handles on mount by itself; tell it again only when the ports change with the config.
    if (shownPorts.current === portKey) return;
    shownPorts.current = portKey;
    updateNodeInternals(id);
  }, [id, portKey, updateNodeInternals]);

  const classes = ["step-card"];
  if (selected) classes.push("selected");
  if (problems) classes.push("has-problems");
  if (!nodeType) classes.push("unknown-type");
  if (status) classes.push(`step-${status}`);
  if (status && dryRun) classes.push("step-dry");

  return (
    <div
      className={classes.join(" ")}
      style={{ ["--cat" as string]: color }}
      data-testid="step-card"
      data-node-type={data.typeName}
      data-run-status={status}
      data-port={step?.port ?? undefined}
    >
      {!nodeType?.isTrigger && <Handle type="target" position={Position.Left} id={TARGET_HANDLE} className="in-handle" />}
      <div className="step-head">
        <NodeIcon icon={nodeType?.icon} category={category} tile size={16} />
        <div className="step-titles">
          <div className="step-label">{data.label || nodeType?.title || data.typeName}</div>
          <div className="step-type">{!nodeType ? `Unknown type ${data.typeName}` : data.label && data.label !== nodeType.title ? nodeType.title : data.typeName}</div>
        </div>
        {problems && (
          <span className="step-problem-count" title={problems.map((p) => p.message).join("\n")} data-testid="node-problem-badge">
            <CircleAlert size={14} /> {problems.length}
          </span>
        )}
        {StatusIcon && (
          <span className={`step-status status-${status}`} title={status}>
            <StatusIcon size={15} className={status === "running" || status === "retrying" ? "spin" : undefined} />
          </span>
        )}
      </div>
      {step && <RunBadge step={step} />}
      <div className={`step-summary${summary ? "" : " empty"}`}>{summary || "Not configured yet"}</div>
      {responses.length > 0 && (
        <div className="step-respond nodrag nopan" data-testid="node-responses">
          {responses.map((r) => (
            <button key={r} className="chip" disabled={!respond} onClick={() => respond?.(id, r)} data-testid="node-respond" data-choice={r}>
              {r}
            </button>
          ))}
        </div>
      )}
      <div className="step-ports">
        {ports.map((port) => (
          <div key={port} className={`step-port port-${port === "error" ? "error" : port === DEFAULT_PORT ? "out" : "named"}`}>
            <span>{port}</span>
            <Handle type="source" position={Position.Right} id={port} className="out-handle" />
          </div>
        ))}
      </div>
    </div>
  );
}

export default memo(StepCard);
