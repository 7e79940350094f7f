import { ArrowLeft } from "lucide-react";
import AppHeader from "./AppHeader";
import AppLink from "./AppLink";

/** A detail page whose resource could not be loaded: what, why, and the way back to its list. */
export default function LoadFailedPage(props: { title: string; message: string; backTo: string; backLabel: string }) {
  return (
    <div className="page">
      <AppHeader />
      <div className="empty-page">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <AppLink to={props.backTo} className="button">
          <ArrowLeft size={15} /> {props.backLabel}
        </AppLink>
      </div>
    </div>
  );
}
