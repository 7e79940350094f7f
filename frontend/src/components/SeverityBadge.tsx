/** The severity as a coloured dot and its name. */
export default function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span className={`severity severity-${severity}`} data-testid="severity">
      <span className="severity-dot" aria-hidden="true" />
      {severity}
    </span>
  );
}
