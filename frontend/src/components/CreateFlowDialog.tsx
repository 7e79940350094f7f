import { useState } from "react";
import { api, ApiError } from "../api/client";
import { emptyDocument } from "../flow/document";
import { navigate } from "../hooks/useRoute";
import Modal from "./Modal";

/** Ask for a name, create an empty flow and open it. */
export default function CreateFlowDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async () => {
    if (!name.trim()) return;
    setBusy(true);
    try {
      const flow = await api.createFlow({ ...emptyDocument(name.trim()), description: description.trim() });
      navigate(`/flows/${encodeURIComponent(flow.id)}`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      title="New flow"
      onClose={onClose}
      footer={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!name.trim() || busy} onClick={create} data-testid="create-flow">
            Create flow
          </button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <label className="field-label" htmlFor="new-flow-name">
          Name
        </label>
        <input id="new-flow-name" autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="Full disk prevention" data-testid="new-flow-name" />
        <label className="field-label" htmlFor="new-flow-description">
          Description <span className="muted">(optional)</span>
        </label>
        <input id="new-flow-description" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="What this flow handles" />
        {error && <div className="problem-box">{error}</div>}
      </form>
    </Modal>
  );
}

