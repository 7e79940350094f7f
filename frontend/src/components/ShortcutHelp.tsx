import { SHORTCUTS } from "../hooks/useShortcuts";
import Modal from "./Modal";

/** The keyboard shortcuts overlay (press ?). */
export default function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="shortcut-help">
      <table className="shortcut-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                {s.keys.split(" / ").map((combo, i) => (
                  <span key={combo}>
                    {i > 0 && <span className="muted"> or </span>}
                    {combo.split(" ").map((k) => (
                      <kbd key={k}>{k}</kbd>
                    ))}
                  </span>
                ))}
              </td>
              <td>{s.action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">On macOS, use ⌘ where Ctrl is shown.</p>
    </Modal>
  );
}
