import type { ReactNode } from "react";
import { navigate } from "../hooks/useRoute";
import AppNav from "./AppNav";
import UserMenu from "./UserMenu";

/** The top bar with the product mark and the signed-in user; pages add their own controls on the right. */
export default function AppHeader({ children }: { children?: ReactNode }) {
  return (
    <header className="app-header">
      <a
        className="brand"
        href="/"
        onClick={(e) => {
          e.preventDefault();
          navigate("/");
        }}
      >
        <img src="/favicon.svg" alt="" width={26} height={26} />
        <span>mendflow</span>
      </a>
      <AppNav />
      <div className="app-header-rest">{children}</div>
      <UserMenu />
    </header>
  );
}
