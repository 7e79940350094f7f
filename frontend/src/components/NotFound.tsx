import { navigate } from "../hooks/useRoute";

/** Any path the app does not know. */
export default function NotFound() {
  return (
    <div className="empty-page">
      <h1>Nothing here</h1>
      <p>This address does not lead to a flow or a run.</p>
      <button className="primary" onClick={() => navigate("/")}>
        Go to flows
      </button>
    </div>
  );
}
