import type { FlowStatus } from "../api/types";

interface Props {
  status: FlowStatus;
  publishedVersion: number | null;
}

/** Draft / Published vN / Modified since vN. */
export default function FlowStatusBadge({ status, publishedVersion }: Props) {
  if (status === "draft" || publishedVersion === null) return <span className="badge badge-draft">Draft</span>;
  if (status === "modified")
    return (
      <span className="badge badge-modified" title={`Published as v${publishedVersion}; the draft has newer edits`}>
        v{publishedVersion} · edited
      </span>
    );
  return <span className="badge badge-published">Published v{publishedVersion}</span>;
}
