import {
  ArrowLeft,
  Download,
  HelpCircle,
  History,
  LayoutDashboard,
  Maximize,
  Play,
  Redo2,
  Rocket,
  Save,
  Undo2,
  Upload,
} from "lucide-react";
import type { FlowStatus } from "../api/types";
import { useCan } from "../hooks/useSession";
import FlowStatusBadge from "./FlowStatusBadge";

interface Props {
  name: string;
  onRename: (name: string) => void;
  status: FlowStatus;
  publishedVersion: number | null;
  active: boolean;
  onToggleActive: () => void;
  revision: number;
  isDirty: boolean;
  saving: boolean;
  canUndo: boolean;
  canRedo: boolean;
  problemCount: number;
  exportUrl: string;
  exportName: string;
  onBack: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onLayout: () => void;
  onFit: () => void;
  onHistory: () => void;
  onImport: () => void;
  onExport: (e: React.MouseEvent) => void;
  onRun: () => void;
  onHelp: () => void;
  onSave: () => void;
  onPublish: () => void;
}

/** The editor's top bar: the flow's name and state, history, layout, import/export, run, save and publish. */
export default function EditorToolbar(p: Props) {
  const canEdit = useCan("editor");
  const readOnly = canEdit ? undefined : "Your role may read this flow but not change it (editor needed)";
  return (
    <header className="editor-toolbar" data-testid="editor-toolbar">
      <button className="icon-button" onClick={p.onBack} title="Back to flows" aria-label="Back to flows" data-testid="back-to-flows">
        <ArrowLeft size={18} />
      </button>
      <img src="/favicon.svg" alt="" width={22} height={22} className="toolbar-mark" />
      <input className="flow-title-input" value={p.name} onChange={(e) => p.onRename(e.target.value)} readOnly={!canEdit} aria-label="Flow name" data-testid="flow-title" />
      <FlowStatusBadge status={p.isDirty ? (p.publishedVersion ? "modified" : "draft") : p.status} publishedVersion={p.publishedVersion} />
      <span className={`save-state${p.isDirty ? " dirty" : ""}`} data-testid="save-state">
        {p.saving ? "Saving…" : p.isDirty ? "Unsaved changes" : `Saved · rev ${p.revision}`}
      </span>
      <span className="spacer" />

      <div className="tool-group">
        <button className="icon-button" onClick={p.onUndo} disabled={!p.canUndo} title="Undo (Ctrl Z)" aria-label="Undo" data-testid="undo">
          <Undo2 size={17} />
        </button>
        <button className="icon-button" onClick={p.onRedo} disabled={!p.canRedo} title="Redo (Ctrl Shift Z)" aria-label="Redo" data-testid="redo">
          <Redo2 size={17} />
        </button>
      </div>
      <div className="tool-group">
        <button className="icon-button" onClick={p.onLayout} title="Auto-layout (L)" aria-label="Auto-layout" data-testid="auto-layout">
          <LayoutDashboard size={17} />
        </button>
        <button className="icon-button" onClick={p.onFit} title="Zoom to fit (F)" aria-label="Zoom to fit" data-testid="zoom-fit">
          <Maximize size={17} />
        </button>
      </div>
      <div className="tool-group">
        <button className="icon-button" onClick={p.onHistory} title="Version history" aria-label="Version history" data-testid="history">
          <History size={17} />
        </button>
        <button className="icon-button" onClick={p.onImport} disabled={!canEdit} title={readOnly ?? "Import a flow"} aria-label="Import" data-testid="editor-import">
          <Upload size={17} />
        </button>
        <a className="icon-button" href={p.exportUrl} download={p.exportName} onClick={p.onExport} title="Export the saved draft as JSON" aria-label="Export" data-testid="export">
          <Download size={17} />
        </a>
        <button className="icon-button" onClick={p.onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" data-testid="help">
          <HelpCircle size={17} />
        </button>
      </div>
      <label className="switch with-label" title={p.publishedVersion === null ? "Publish the flow to activate it" : "Active flows start runs on matching events"}>
        <input type="checkbox" checked={p.active} disabled={p.publishedVersion === null || !canEdit} onChange={p.onToggleActive} data-testid="active-toggle" />
        <span />
        Active
      </label>
      <button onClick={p.onRun} disabled={!canEdit} title={readOnly} data-testid="run-sample">
        <Play size={15} /> Run with sample event
      </button>
      <button onClick={p.onSave} disabled={p.saving || !canEdit} title={readOnly} data-testid="save" className={p.isDirty ? "accent" : undefined}>
        <Save size={15} /> Save draft
      </button>
      <button className="primary" onClick={p.onPublish} disabled={p.saving || !canEdit} data-testid="publish" title={readOnly ?? (p.problemCount ? "Fix the problems before publishing" : undefined)}>
        <Rocket size={15} /> Publish
      </button>
    </header>
  );
}
