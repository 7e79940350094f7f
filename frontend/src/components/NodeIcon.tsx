import { iconFor } from "../catalog/icons";
import { categoryInfo } from "../catalog/categories";

interface Props {
  icon: string | undefined;
  category: string;
  size?: number;
  /** Draw the icon on a tile of the category colour. */
  tile?: boolean;
}

/** A node type's icon, on an optional tile of its category colour. */
export default function NodeIcon({ icon, category, size = 16, tile = false }: Props) {
  const Icon = iconFor(icon, category);
  if (!tile) return <Icon size={size} strokeWidth={2} aria-hidden />;
  const { color } = categoryInfo(category);
  return (
    <span className="icon-tile" style={{ background: color }} aria-hidden>
      <Icon size={size} strokeWidth={2.1} color="#fff" />
    </span>
  );
}
