import { Trash2 } from "lucide-react";
import type { LinkEdge, StepNode } from "../flow/adapter";
import { DEFAULT_PORT } from "../flow/adapter";

interface Props {
  node: StepNode;
  ports: string[];
  nodes: StepNode[];
  edges: LinkEdge[];
  isTrigger: (typeName: string) => boolean;
  onConnect: (port: string, target: string) => void;
  onRemove: (edgeId: string) => void;
  labelOf: (id: string) => string;
}

/** Each output port with the steps it leads to; connect and disconnect from the keyboard as well as by mouse. */
export default function PortConnections({ node, ports, nodes, edges, isTrigger, onConnect, onRemove, labelOf }: Props) {
  const outgoing = edges.filter((e) => e.source === node.id);
  const targets = nodes.filter((n) => n.id !== node.id && !isTrigger(n.data.typeName));
  return (
    <div className="port-connections" data-testid="port-connections">
      {ports.map((port) => {
        const here = outgoing.filter((e) => (e.sourceHandle || DEFAULT_PORT) === port);
        const linked = new Set(here.map((e) => e.target));
        return (
          <div key={port} className="port-row">
            <div className="port-name">
              <span className={`port-dot${port === "error" ? " error" : ""}`} /> {port}
            </div>
            <div className="port-targets">
              {here.map((e) => (
                <span key={e.id} className="port-target">
                  → {labelOf(e.target)}
                  <button className="icon-button tiny" aria-label={`Disconnect ${port} from ${labelOf(e.target)}`} onClick={() => onRemove(e.id)}>
                    <Trash2 size={12} />
                  </button>
                </span>
              ))}
              <select
                aria-label={`Connect ${port} to`}
                value=""
                onChange={(e) => e.target.value && onConnect(port, e.target.value)}
                data-testid={`connect-${port}`}
              >
                <option value="">{here.length ? "+ another step…" : "Connect to…"}</option>
                {targets
                  .filter((n) => !linked.has(n.id))
                  .map((n) => (
                    <option key={n.id} value={n.id}>
                      {labelOf(n.id)}
                    </option>
                  ))}
              </select>
            </div>
          </div>
        );
      })}
    </div>
  );
}
