import { Fragment, useEffect, useState, type ReactNode } from "react";
import { checkSession } from "../api/session";
import { useSession } from "../hooks/useSession";
import SignInPage from "./SignInPage";

/**
 * The app only for someone signed in. Before that, the sign-in page at the URL the user asked for, so
 * they land there after signing in. When a request answers 401 later (the session ended), the sign-in
 * page covers the app without unmounting it: after signing in again the page is as it was, unsaved
 * edits included. Someone else signing in gets a fresh app (it is keyed by the user).
 */
export default function SessionGate({ children }: { children: ReactNode }) {
  const session = useSession();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    checkSession().catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);

  if (session.status === "checking") {
    return (
      <div className="loading-page" data-testid="session-checking">
        {error ?? "Loading…"}
      </div>
    );
  }
  if (session.status === "signed-out") return <SignInPage />;
  return (
    <>
      <Fragment key={session.user.id}>{children}</Fragment>
      {session.status === "expired" && (
        <div className="signin-overlay">
          <SignInPage notice="Your session has ended. Sign in again to go on where you were." email={session.user.email} />
        </div>
      )}
    </>
  );
}
