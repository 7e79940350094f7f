import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { signIn } from "../api/session";
import "../styles/session.css";

interface Props {
  /** Shown above the form, e.g. why the user has to sign in again. */
  notice?: string;
  /** Prefilled email (signing in again after the session ended). */
  email?: string;
}

/** Email and password; a refusal is shown as the server words it ("Wrong email or password."). */
export default function SignInPage({ notice, email: initialEmail = "" }: Props) {
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setPassword("");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin-page" data-testid="signin-page">
      <form className="signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="signin-brand">
          <img src="/favicon.svg" alt="" width={30} height={30} />
          <span>mendflow</span>
        </div>
        <h1 id="signin-title">Sign in</h1>
        {notice && <p className="signin-notice">{notice}</p>}
        <label className="field-label" htmlFor="signin-email">
          Email
        </label>
        <input
          id="signin-email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
          autoFocus={!initialEmail}
          data-testid="signin-email"
        />
        <label className="field-label" htmlFor="signin-password">
          Password
        </label>
        <input
          id="signin-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          autoFocus={Boolean(initialEmail)}
          className={error ? "has-error" : undefined}
          data-testid="signin-password"
        />
        {error && (
          <p className="field-hint error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary wide" disabled={busy || !email || !password} data-testid="signin-submit">
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="field-hint">
          Your administrator gives you an account; <code>make run</code> prints the demo accounts.
        </p>
      </form>
    </main>
  );
}
