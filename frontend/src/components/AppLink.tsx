import type { AnchorHTMLAttributes, MouseEvent } from "react";
import { navigate } from "../hooks/useRoute";

/** An in-app link: a real <a href> (middle-click, copy link) that navigates without a reload on a plain click. */
export default function AppLink({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}
