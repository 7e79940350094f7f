import { useCallback, useEffect, useState } from "react";
import { Copy, Download, Pencil, Plus, Search, Trash2, Upload, Workflow } from "lucide-react";
import { api } from "../api/client";
import type { FlowSummary } from "../api/types";
import { relativeTime } from "../format/time";
import { useDebouncedValue } from "../hooks/useDebouncedValue";
import { useCan } from "../hooks/useSession";
import { navigate } from "../hooks/useRoute";
import { useToasts } from "../hooks/useToasts";
import AppHeader from "./AppHeader";
import CreateFlowDialog from "./CreateFlowDialog";
import FlowStatusBadge from "./FlowStatusBadge";
import ImportDialog from "./ImportDialog";
import Modal from "./Modal";
import RenameFlowDialog from "./RenameFlowDialog";
import RunStatusBadge from "./RunStatusBadge";

type Dialog =
  | { kind: "create" }
  | { kind: "rename"; flow: FlowSummary }
  | { kind: "delete"; flow: FlowSummary }
  | { kind: "import" }
  | null;

/** The list of flows: search, create, rename, duplicate, delete, import, export, activate. */
export default function FlowsPage() {
  const canEdit = useCan("editor");
  const readOnly = canEdit ? undefined : "Your role may read flows but not change them (editor needed)";
  const [query, setQuery] = useState("");
  const q = useDebouncedValue(query.trim(), 200);
  const [flows, setFlows] = useState<FlowSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [reload, setReload] = useState(0);
  const toasts = useToasts();

  useEffect(() => {
    const controller = new AbortController();
    api
      .listFlows(q, controller.signal)
      .then((items) => {
        setFlows(items);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(err instanceof Error ? err.message : String(err));
      });
    return () => controller.abort();
  }, [q, reload]);

  const refresh = useCallback(() => setReload((r) => r + 1), []);

  const fail = (err: unknown) => toasts.show(err instanceof Error ? err.message : String(err), "error");

  const duplicate = async (flow: FlowSummary) => {
    try {
      const copy = await api.duplicateFlow(flow.id, `${flow.name} (copy)`);
      toasts.show(`Duplicated as “${copy.name}”`, "success");
      refresh();
    } catch (err) {
      fail(err);
    }
  };

  const toggleActive = async (flow: FlowSummary) => {
    try {
      await api.setActive(flow.id, !flow.active);
      refresh();
    } catch (err) {
      fail(err);
    }
  };

  return (
    <div className="page">
      <AppHeader />
      <main className="flows-main">
        <div className="flows-head">
          <div>
            <h1>Flows</h1>
            <p className="muted">Self-healing flows: a trigger, the people to page, the tickets, chats and fixes that follow.</p>
          </div>
          <div className="flows-actions">
            <button onClick={() => setDialog({ kind: "import" })} disabled={!canEdit} title={readOnly} data-testid="import-flow">
              <Upload size={16} /> Import
            </button>
            <button className="primary" onClick={() => setDialog({ kind: "create" })} disabled={!canEdit} title={readOnly} data-testid="new-flow">
              <Plus size={16} /> New flow
            </button>
          </div>
        </div>

        <div className="search-box wide-search">
          <Search size={16} />
          <input
            type="search"
            placeholder="Search flows by name, id or description"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-label="Search flows"
            data-testid="flow-search"
          />
        </div>

        {error && <div className="problem-box">{error}</div>}
        {flows === null && !error && <div className="muted pad">Loading flows…</div>}
        {flows?.length === 0 && (
          <div className="empty-state" data-testid="flows-empty">
            <Workflow size={40} strokeWidth={1.4} />
            {q ? (
              <p>No flow matches “{q}”.</p>
            ) : (
              <>
                <h2>No flows yet</h2>
                <p>Create your first flow, or import one exported from another mendflow.</p>
                <button className="primary" onClick={() => setDialog({ kind: "create" })} disabled={!canEdit} title={readOnly}>
                  <Plus size={16} /> New flow
                </button>
              </>
            )}
          </div>
        )}
        {flows && flows.length > 0 && (
          <table className="flows-table" data-testid="flows-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Active</th>
                <th>Last run</th>
                <th>Updated</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {flows.map((f) => (
                <tr key={f.id} data-testid="flow-row" data-flow-id={f.id}>
                  <td>
                    <a
                      href={`/flows/${encodeURIComponent(f.id)}`}
                      className="flow-name"
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/flows/${encodeURIComponent(f.id)}`);
                      }}
                    >
                      {f.name}
                    </a>
                    <div className="muted small">
                      <code>{f.id}</code>
                      {f.description && <> · {f.description}</>}
                    </div>
                  </td>
                  <td>
                    <FlowStatusBadge status={f.status} publishedVersion={f.publishedVersion} />
                    {!f.valid && (
                      <span className="badge badge-invalid" title="The draft has validation problems">
                        problems
                      </span>
                    )}
                  </td>
                  <td>
                    <label className="switch" title={f.publishedVersion === null ? "Publish the flow to activate it" : undefined}>
                      <input
                        type="checkbox"
                        checked={f.active}
                        disabled={f.publishedVersion === null || !canEdit}
                        onChange={() => toggleActive(f)}
                        aria-label={`Active: ${f.name}`}
                      />
                      <span />
                    </label>
                  </td>
                  <td>
                    {f.lastRun ? (
                      <a
                        href={`/runs/${f.lastRun.id}`}
                        className="last-run"
                        onClick={(e) => {
                          e.preventDefault();
                          navigate(`/runs/${f.lastRun!.id}`);
                        }}
                      >
                        <RunStatusBadge status={f.lastRun.status} /> {relativeTime(f.lastRun.startedAt)}
                      </a>
                    ) : (
                      <span className="muted">never</span>
                    )}
                  </td>
                  <td className="muted">{relativeTime(f.updatedAt)}</td>
                  <td className="row-actions">
                    <button className="icon-button" title={readOnly ?? "Rename"} aria-label={`Rename ${f.name}`} disabled={!canEdit} onClick={() => setDialog({ kind: "rename", flow: f })}>
                      <Pencil size={16} />
                    </button>
                    <button className="icon-button" title={readOnly ?? "Duplicate"} aria-label={`Duplicate ${f.name}`} disabled={!canEdit} onClick={() => duplicate(f)}>
                      <Copy size={16} />
                    </button>
                    <a className="icon-button" title="Export JSON" aria-label={`Export ${f.name}`} href={api.exportUrl(f.id)} download={`${f.id}.json`}>
                      <Download size={16} />
                    </a>
                    <button className="icon-button danger" title={readOnly ?? "Delete"} aria-label={`Delete ${f.name}`} disabled={!canEdit} onClick={() => setDialog({ kind: "delete", flow: f })}>
                      <Trash2 size={16} />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>

      {dialog?.kind === "create" && <CreateFlowDialog onClose={() => setDialog(null)} />}
      {dialog?.kind === "rename" && (
        <RenameFlowDialog
          flow={dialog.flow}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            refresh();
          }}
        />
      )}
      {dialog?.kind === "delete" && (
        <Modal
          title="Delete flow"
          onClose={() => setDialog(null)}
          footer={
            <>
              <button onClick={() => setDialog(null)}>Cancel</button>
              <button
                className="primary danger"
                data-testid="confirm-delete"
                onClick={async () => {
                  try {
                    await api.deleteFlow(dialog.flow.id);
                    toasts.show(`Deleted “${dialog.flow.name}”`, "success");
                    refresh();
                  } catch (err) {
                    fail(err);
                  }
                  setDialog(null);
                }}
              >
                Delete
              </button>
            </>
          }
        >
          <p>
            Delete <strong>{dialog.flow.name}</strong> with its draft and all published versions? Runs already recorded stay in the run history.
          </p>
        </Modal>
      )}
      {dialog?.kind === "import" && (
        <ImportDialog
          onClose={() => setDialog(null)}
          onImported={(flow) => {
            setDialog(null);
            toasts.show(`Imported “${flow.name}”`, "success");
            navigate(`/flows/${encodeURIComponent(flow.id)}`);
          }}
        />
      )}
    </div>
  );
}
