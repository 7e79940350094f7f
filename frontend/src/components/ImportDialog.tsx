import { useEffect, useRef, useState } from "react";
import { FileUp, TriangleAlert } from "lucide-react";
import { api, ApiError } from "../api/client";
import type { FlowDetail, Problem } from "../api/types";
import { parseDocument, type FlowDocument } from "../flow/document";
import Modal from "./Modal";

interface Props {
  onClose: () => void;
  onImported: (flow: FlowDetail) => void;
}

type Check =
  | { state: "empty" }
  | { state: "checking" }
  | { state: "broken"; message: string }
  | { state: "checked"; document: FlowDocument; problems: Problem[] };

/** Import a flow document from a file or pasted text; nothing is created until it parses and is imported on purpose. */
export default function ImportDialog({ onClose, onImported }: Props) {
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [check, setCheck] = useState<Check>({ state: "empty" });
  const [anyway, setAnyway] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<{ message: string; problems: Problem[] } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setServerError(null);
    setAnyway(false);
    if (!text.trim()) {
      setCheck({ state: "empty" });
      return;
    }
    const { document, error } = parseDocument(text);
    if (!document) {
      setCheck({ state: "broken", message: error ?? "Not a flow document." });
      return;
    }
    setCheck({ state: "checking" });
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .validate({ ...document, id: document.id || "imported-flow" }, controller.signal)
        .then((problems) => setCheck({ state: "checked", document, problems }))
        .catch((err: unknown) => {
          if (!controller.signal.aborted) setCheck({ state: "broken", message: err instanceof Error ? err.message : String(err) });
        });
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text]);

  const readFile = async (file: File) => {
    setFileName(file.name);
    setText(await file.text());
  };

  const doImport = async () => {
    if (check.state !== "checked") return;
    setBusy(true);
    setServerError(null);
    try {
      onImported(await api.importFlow(check.document, true));
    } catch (err) {
      if (err instanceof ApiError) setServerError({ message: err.message, problems: err.problems });
      else setServerError({ message: String(err), problems: [] });
    } finally {
      setBusy(false);
    }
  };

  const problems = check.state === "checked" ? check.problems : [];
  const canImport = check.state === "checked" && (problems.length === 0 || anyway) && !busy;

  return (
    <Modal
      title="Import a flow"
      onClose={onClose}
      wide
      testId="import-dialog"
      footer={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!canImport} onClick={doImport} data-testid="import-confirm">
            {busy ? "Importing…" : "Import as new flow"}
          </button>
        </>
      }
    >
      <div
        className="dropzone"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          const file = e.dataTransfer.files[0];
          if (file) void readFile(file);
        }}
      >
        <FileUp size={20} />
        <span>{fileName ? `Loaded ${fileName}` : "Drop a .json file here, or"}</span>
        <button onClick={() => fileInput.current?.click()}>Choose file…</button>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          hidden
          data-testid="import-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void readFile(file);
          }}
        />
      </div>
      <label className="field-label" htmlFor="import-text">
        …or paste the flow document
      </label>
      <textarea
        id="import-text"
        className="code-input"
        rows={12}
        spellCheck={false}
        placeholder='{"schema": "mendflow.flow/v1", "name": "…", "nodes": [], "edges": []}'
        value={text}
        onChange={(e) => {
          setFileName(null);
          setText(e.target.value);
        }}
        data-testid="import-text"
      />
      <div className="import-status" data-testid="import-status">
        {check.state === "checking" && <span className="muted">Checking…</span>}
        {check.state === "broken" && (
          <div className="problem-box" data-testid="import-problems">
            <TriangleAlert size={16} /> {check.message}
          </div>
        )}
        {check.state === "checked" && problems.length === 0 && (
          <span className="ok-text">
            “{check.document.name}” is valid: {check.document.nodes.length} nodes, {(check.document.edges ?? []).length} edges.
          </span>
        )}
        {problems.length > 0 && (
          <div className="problem-box" data-testid="import-problems">
            <strong>
              {problems.length} problem{problems.length === 1 ? "" : "s"} in this document:
            </strong>
            <ul>
              {problems.map((p, i) => (
                <li key={i}>
                  <code>{p.code}</code> {p.message}
                </li>
              ))}
            </ul>
            <label className="checkbox">
              <input type="checkbox" checked={anyway} onChange={(e) => setAnyway(e.target.checked)} /> Import anyway as a draft
              with these problems
            </label>
          </div>
        )}
        {serverError && (
          <div className="problem-box" data-testid="import-problems">
            <TriangleAlert size={16} /> {serverError.message}
            {serverError.problems.length > 0 && (
              <ul>
                {serverError.problems.map((p, i) => (
                  <li key={i}>{p.message}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </Modal>
  );
}
