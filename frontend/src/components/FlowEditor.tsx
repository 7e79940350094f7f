import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from "react";
import { useReactFlow } from "@xyflow/react";
import { api, ApiError, ConflictError } from "../api/client";
import { SETTLED_RUN_STATUSES, type FlowDetail, type Problem, type Step } from "../api/types";
import { DEFAULT_PORT, toGraph } from "../flow/adapter";
import { readFragment, writeFragment } from "../flow/clipboard";
import { estimatedCard } from "../flow/geometry";
import { portsOf } from "../flow/ports";
import type { FlowDocument } from "../flow/document";
import { runEdges } from "../flow/runOverlay";
import { CanvasDecorContext } from "../hooks/useCanvasDecor";
import { useFlowEditor } from "../hooks/useFlowEditor";
import { useLiveRun } from "../hooks/useLiveRun";
import { useNodeTypes } from "../hooks/useNodeTypes";
import { navigate } from "../hooks/useRoute";
import { useShortcuts } from "../hooks/useShortcuts";
import { useToasts } from "../hooks/useToasts";
import { useUnsavedGuard } from "../hooks/useUnsavedGuard";
import { useValidation } from "../hooks/useValidation";
import Canvas from "./Canvas";
import ConflictDialog from "./ConflictDialog";
import EditorToolbar from "./EditorToolbar";
import FlowInspector from "./FlowInspector";
import ImportDialog from "./ImportDialog";
import NodeInspector from "./NodeInspector";
import Palette from "./Palette";
import ProblemsPanel from "./ProblemsPanel";
import RunDialog from "./RunDialog";
import RunCompare from "./RunCompare";
import RunPanel from "./RunPanel";
import RunsPanel from "./RunsPanel";
import ShortcutHelp from "./ShortcutHelp";
import VersionsDialog from "./VersionsDialog";

type Dialog = "history" | "import" | "run" | "help" | null;

/** How long a followed run that finished stays on the canvas before a newer one replaces it. */
const FOLLOW_DWELL_MS = 1500;

interface Conflict {
  theirs: FlowDocument | null;
  theirRevision: number;
  mine: FlowDocument;
}

declare global {
  interface Window {
    /** Read-only hooks for the browser tests and the benchmark. */
    __mendflow?: { document: () => FlowDocument; nodeCount: number; edgeCount: number; isDirty: boolean; revision: number };
  }
}

/** The flow editor: palette, canvas, inspector and problems, with save/publish/history/run around them. */
export default function FlowEditor({ detail }: { detail: FlowDetail }) {
  const flowId = detail.id;
  const { byType } = useNodeTypes();
  const toasts = useToasts();
  const { fitView, setCenter, getNode, getZoom, screenToFlowPosition } = useReactFlow();
  const initial = useMemo(() => {
    const g = toGraph(detail.document);
    const used = new Map<string, string[]>();
    for (const e of g.edges) used.set(e.source, [...(used.get(e.source) ?? []), e.sourceHandle || DEFAULT_PORT]);
    const nodes = g.nodes.map((n) => {
      const t = byType.get(n.data.typeName);
      return { ...n, ...estimatedCard(portsOf(t, n.data.config, used.get(n.id)), !t?.isTrigger) };
    });
    return { ...g, nodes, meta: { ...g.meta, id: g.meta.id ?? flowId } };
    // The registry is loaded before the editor mounts; the initial graph is computed once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [detail, flowId]);
  const editor = useFlowEditor(byType, initial);

  const [flow, setFlow] = useState(detail);
  const [saving, setSaving] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  // `/flows/<id>?run=<run id>` opens with that run on the canvas (the run page's "Show on canvas").
  const [runId, setRunId] = useState<string | null>(() => new URLSearchParams(location.search).get("run"));
  const [sideTab, setSideTab] = useState<"inspector" | "runs">(() => (runId ? "runs" : "inspector"));
  const [follow, setFollow] = useState(() => runId === null);
  const [comparing, setComparing] = useState<{ left: string; right: string } | null>(null);
  const live = useLiveRun(runId);

  const validation = useValidation(editor.structureVersion, true, editor.document);
  useUnsavedGuard(editor.isDirty);

  const problemsByNode = useMemo(() => {
    const m = new Map<string, Problem[]>();
    for (const p of validation.problems) if (p.nodeId) m.set(p.nodeId, [...(m.get(p.nodeId) ?? []), p]);
    return m;
  }, [validation.problems]);
  const problemEdges = useMemo(() => new Set(validation.problems.filter((p) => p.edgeId).map((p) => p.edgeId!)), [validation.problems]);
  const usedPorts = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const e of editor.edges) m.set(e.source, [...(m.get(e.source) ?? []), e.sourceHandle || DEFAULT_PORT]);
    return m;
  }, [editor.edges]);

  // The run shown on the canvas: its steps by node (a run of another flow, or none, paints nothing).
  const shownRun = live.run && live.run.flowId === flowId ? live.run : null;
  const runSteps = useMemo(() => new Map<string, Step>((shownRun?.steps ?? []).map((s) => [s.nodeId, s])), [shownRun]);
  const runPath = useMemo(() => runEdges(editor.edges, runSteps), [editor.edges, runSteps]);
  const refreshRun = live.refresh;
  const respond = useCallback(
    (nodeId: string, choice: string) => {
      if (!runId) return;
      api
        .respond(runId, nodeId, choice, "canvas")
        .then(() => toasts.show(`Answered “${choice}”`, "success"))
        .catch((err: unknown) => toasts.show(err instanceof Error ? err.message : String(err), "error"))
        .finally(refreshRun);
    },
    [runId, refreshRun, toasts],
  );
  const decor = useMemo(
    () => ({ problemsByNode, runSteps, dryRun: Boolean(shownRun?.dryRun), respond: runId ? respond : null, usedPorts }),
    [problemsByNode, runSteps, shownRun?.dryRun, runId, respond, usedPorts],
  );

  const selected = useMemo(() => editor.nodes.filter((n) => n.selected), [editor.nodes]);
  const labelOf = useCallback(
    (id: string) => {
      const n = editor.nodesNow().find((x) => x.id === id);
      return n ? n.data.label || byType.get(n.data.typeName)?.title || id : id;
    },
    [editor, byType],
  );

  useEffect(() => {
    window.__mendflow = {
      document: editor.document,
      nodeCount: editor.nodes.length,
      edgeCount: editor.edges.length,
      isDirty: editor.isDirty,
      revision: flow.revision,
    };
  }, [editor.document, editor.nodes.length, editor.edges.length, editor.isDirty, flow.revision]);

  // ---- saving --------------------------------------------------------------------------------

  const showError = useCallback((err: unknown) => toasts.show(err instanceof Error ? err.message : String(err), "error"), [toasts]);

  const saveAs = useCallback(
    async (baseRevision: number): Promise<boolean> => {
      const doc = editor.document();
      const seq = editor.currentSeq();
      setSaving(true);
      try {
        const saved = await api.saveFlow(flowId, doc, baseRevision);
        setFlow(saved);
        editor.markSaved(seq);
        toasts.show(saved.problems.length ? `Saved as draft with ${saved.problems.length} problem(s)` : "Saved", "success");
        return true;
      } catch (err) {
        if (err instanceof ConflictError) setConflict({ theirs: err.currentDocument, theirRevision: err.currentRevision, mine: doc });
        else if (err instanceof ApiError && err.status === 422) toasts.show(`Not saved: ${err.message}. Your edits are still here.`, "error");
        else toasts.show(`Not saved: ${err instanceof Error ? err.message : String(err)}. Your edits are still here.`, "error");
        return false;
      } finally {
        setSaving(false);
      }
    },
    [editor, flowId, toasts],
  );
  const save = useCallback(() => saveAs(flow.revision), [saveAs, flow.revision]);

  const publish = useCallback(async () => {
    let revision = flow.revision;
    if (editor.isDirty) {
      const doc = editor.document();
      const seq = editor.currentSeq();
      try {
        const saved = await api.saveFlow(flowId, doc, revision);
        setFlow(saved);
        editor.markSaved(seq);
        revision = saved.revision;
      } catch (err) {
        if (err instanceof ConflictError) setConflict({ theirs: err.currentDocument, theirRevision: err.currentRevision, mine: doc });
        else showError(err);
        return;
      }
    }
    try {
      const published = await api.publishFlow(flowId, revision);
      setFlow(published);
      toasts.show(`Published version ${published.publishedVersion}`, "success");
    } catch (err) {
      if (err instanceof ConflictError) setConflict({ theirs: err.currentDocument, theirRevision: err.currentRevision, mine: editor.document() });
      else if (err instanceof ApiError && err.problems.length)
        toasts.show(`Not published: ${err.problems.length} problem(s) to fix first. See the problems list.`, "error");
      else showError(err);
    }
  }, [editor, flow.revision, flowId, toasts, showError]);

  const toggleActive = useCallback(async () => {
    try {
      setFlow(await api.setActive(flowId, !flow.active));
    } catch (err) {
      showError(err);
    }
  }, [flowId, flow.active, showError]);

  // ---- canvas helpers ------------------------------------------------------------------------

  const fit = useCallback(() => void fitView({ padding: 0.2, duration: 300, maxZoom: 1.1 }), [fitView]);

  const focusNode = useCallback(
    (id: string) => {
      editor.selectOnly(id);
      const n = getNode(id);
      if (!n) return;
      const w = n.measured?.width ?? 240;
      const h = n.measured?.height ?? 100;
      void setCenter(n.position.x + w / 2, n.position.y + h / 2, { zoom: Math.max(getZoom(), 0.9), duration: 350 });
    },
    [editor, getNode, setCenter, getZoom],
  );

  const viewportCentre = useCallback(() => {
    const pane = document.querySelector(".canvas")?.getBoundingClientRect();
    if (!pane) return { x: 0, y: 0 };
    return screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 });
  }, [screenToFlowPosition]);

  const addFromPalette = useCallback(
    (type: string) => {
      const c = viewportCentre();
      editor.addNode(type, { x: c.x - 120, y: c.y - 40 });
    },
    [editor, viewportCentre],
  );

  const copy = useCallback(() => {
    const fragment = editor.selectionFragment();
    if (!fragment.nodes.length) return;
    writeFragment(fragment.nodes, fragment.edges);
    toasts.show(`Copied ${fragment.nodes.length} step${fragment.nodes.length === 1 ? "" : "s"}`);
  }, [editor, toasts]);

  const paste = useCallback(() => {
    const fragment = readFragment();
    if (!fragment?.nodes.length) {
      toasts.show("Nothing to paste: copy steps first (Ctrl C)");
      return;
    }
    const here = new Set(editor.nodesNow().map((n) => n.id));
    const fromThisFlow = fragment.nodes.every((n) => here.has(n.id));
    const c = viewportCentre();
    const count = editor.paste(fragment, fromThisFlow ? undefined : { x: c.x - 120, y: c.y - 60 });
    toasts.show(`Pasted ${count} step${count === 1 ? "" : "s"}`);
  }, [editor, toasts, viewportCentre]);

  const duplicate = useCallback(() => {
    const fragment = editor.selectionFragment();
    if (fragment.nodes.length) editor.paste({ kind: "mendflow.fragment/v1", ...fragment });
  }, [editor]);

  const onExport = useCallback(
    (e: MouseEvent) => {
      if (editor.isDirty) {
        e.preventDefault();
        toasts.show("Save first: export downloads the saved draft, and you have unsaved changes.", "error");
      }
    },
    [editor.isDirty, toasts],
  );

  const pickProblem = useCallback(
    (p: Problem) => {
      const edge = p.edgeId ? editor.edges.find((e) => e.id === p.edgeId) : undefined;
      const nodeId = p.nodeId ?? edge?.source;
      if (nodeId) focusNode(nodeId);
    },
    [editor.edges, focusNode],
  );

  const showRun = useCallback((id: string | null) => {
    setRunId(id);
    if (id) setFollow(false);
  }, []);
  // Following shows each new run, but never abandons one still going, and keeps a finished one on screen a moment:
  // a flow that starts fifty runs a second would otherwise flicker through them and re-read every one.
  const followed = useRef({ runId: null as string | null, at: 0, settled: true });
  followed.current.runId = runId;
  followed.current.settled = !live.run || live.run.id !== runId || SETTLED_RUN_STATUSES.includes(live.run.status);
  const onRunCreated = useCallback(
    (id: string) => {
      const f = followed.current;
      if (!follow || (f.runId !== null && (!f.settled || Date.now() - f.at < FOLLOW_DWELL_MS))) return;
      f.at = Date.now();
      setRunId(id);
    },
    [follow],
  );

  const startRun = useCallback(
    async (triggerId: string, event: unknown) => {
      if (editor.isDirty && !(await save())) throw new Error("The draft could not be saved, so it was not run.");
      const id = await api.startRun(flowId, event, triggerId, "draft");
      setRunId(id);
      setSideTab("runs");
      setDialog(null);
    },
    [editor.isDirty, save, flowId],
  );

  useShortcuts(
    {
      save: () => void save(),
      undo: editor.undo,
      redo: editor.redo,
      copy,
      cut: () => {
        copy();
        editor.deleteSelection();
      },
      paste,
      duplicate,
      selectAll: editor.selectAll,
      remove: editor.deleteSelection,
      layout: () => {
        editor.autoLayout();
        setTimeout(fit, 50);
      },
      fit,
      help: () => setDialog("help"),
      escape: () => editor.selectOnly(null),
    },
    dialog === null && conflict === null,
  );

  const triggers = editor.nodes.filter((n) => byType.get(n.data.typeName)?.isTrigger);

  return (
    <CanvasDecorContext.Provider value={decor}>
      <div className="editor">
        <EditorToolbar
          name={editor.meta.name}
          onRename={(name) => editor.updateMeta({ name })}
          status={flow.status}
          publishedVersion={flow.publishedVersion}
          active={flow.active}
          onToggleActive={toggleActive}
          revision={flow.revision}
          isDirty={editor.isDirty}
          saving={saving}
          canUndo={editor.canUndo}
          canRedo={editor.canRedo}
          problemCount={validation.problems.length}
          exportUrl={api.exportUrl(flowId)}
          exportName={`${flowId}.json`}
          onBack={() => navigate("/")}
          onUndo={editor.undo}
          onRedo={editor.redo}
          onLayout={() => {
            editor.autoLayout();
            setTimeout(fit, 50);
          }}
          onFit={fit}
          onHistory={() => setDialog("history")}
          onImport={() => setDialog("import")}
          onExport={onExport}
          onRun={() => setDialog("run")}
          onHelp={() => setDialog("help")}
          onSave={() => void save()}
          onPublish={() => void publish()}
        />
        <div className="editor-body">
          <Palette onAdd={addFromPalette} />
          <div className="editor-centre">
            <Canvas editor={editor} problemEdges={problemEdges} runPath={runPath} />
            <ProblemsPanel problems={validation.problems} checking={validation.checking} error={validation.error} labelOf={labelOf} onPick={pickProblem} />
          </div>
          <aside className={`inspector-column${sideTab === "runs" ? " runs-column" : ""}`} aria-label="Inspector and runs">
            <div className="side-tabs" role="tablist">
              <button role="tab" aria-selected={sideTab === "inspector"} className={sideTab === "inspector" ? "active" : undefined} onClick={() => setSideTab("inspector")} data-testid="tab-inspector">
                Inspector
              </button>
              <button role="tab" aria-selected={sideTab === "runs"} className={sideTab === "runs" ? "active" : undefined} onClick={() => setSideTab("runs")} data-testid="tab-runs">
                Runs
                {shownRun && !["succeeded", "failed", "cancelled"].includes(shownRun.status) && <span className="tab-dot" title="A run is going" />}
              </button>
            </div>
            {/* The runs list stays mounted while a run is open: it keeps its filters and follows new runs. */}
            <div hidden={sideTab !== "runs" || runId !== null}>
              <RunsPanel
                flowId={flowId}
                selectedRunId={runId}
                onSelect={showRun}
                follow={follow}
                onFollowChange={setFollow}
                onRunCreated={onRunCreated}
                onCompare={(left, right) => setComparing({ left, right })}
              />
            </div>
            {sideTab === "runs" ? (
              runId && (
                <RunPanel
                  runId={runId}
                  live={live}
                  labelOf={labelOf}
                  onPickStep={focusNode}
                  onOpenRun={showRun}
                  onCompare={(left, right) => setComparing({ left, right })}
                  onBack={() => showRun(null)}
                />
              )
            ) : selected.length === 1 ? (
              <NodeInspector key={selected[0].id} node={selected[0]} editor={editor} problems={problemsByNode.get(selected[0].id) ?? []} />
            ) : (
              <FlowInspector editor={editor} flowId={flowId} hooks={flow.hooks} selectedCount={selected.length} onCopy={copy} />
            )}
          </aside>
        </div>
      </div>

      {dialog === "help" && <ShortcutHelp onClose={() => setDialog(null)} />}
      {comparing && <RunCompare left={comparing.left} right={comparing.right} labelOf={labelOf} onClose={() => setComparing(null)} />}
      {dialog === "import" && (
        <ImportDialog
          onClose={() => setDialog(null)}
          onImported={(f) => {
            setDialog(null);
            toasts.show(`Imported “${f.name}”`, "success");
            navigate(`/flows/${encodeURIComponent(f.id)}`);
          }}
        />
      )}
      {dialog === "history" && (
        <VersionsDialog
          flowId={flowId}
          draft={editor.document()}
          onClose={() => setDialog(null)}
          onRestore={(doc, version) => {
            const g = toGraph(doc);
            editor.load({ ...g, meta: { ...g.meta, id: flowId } }, false);
            setDialog(null);
            toasts.show(`Loaded v${version} into the editor. Save to make it the draft.`);
          }}
        />
      )}
      {dialog === "run" && (
        <RunDialog triggers={triggers} byType={byType} isDirty={editor.isDirty} onClose={() => setDialog(null)} onRun={startRun} />
      )}
      {conflict && (
        <ConflictDialog
          theirs={conflict.theirs}
          theirRevision={conflict.theirRevision}
          mine={conflict.mine}
          onKeepEditing={() => setConflict(null)}
          onLoadTheirs={() => {
            if (conflict.theirs) {
              const g = toGraph(conflict.theirs);
              editor.load({ ...g, meta: { ...g.meta, id: flowId } });
              setFlow((f) => ({ ...f, revision: conflict.theirRevision }));
            }
            setConflict(null);
          }}
          onOverwrite={() => {
            const rev = conflict.theirRevision;
            setConflict(null);
            void saveAs(rev);
          }}
        />
      )}
    </CanvasDecorContext.Provider>
  );
}
