import type { NodeCategory } from "@flowgate/flow";

/** Each family's icon tile, on the canvas and in the palette: muted tints, so the one accent stays the selection. */
export const FAMILY_TINTS: Record<NodeCategory, string> = {
  trigger: "bg-accent-50 text-accent-700",
  source: "bg-sky-50 text-sky-700",
  transform: "bg-slate-100 text-slate-700",
  filter: "bg-amber-50 text-amber-700",
  approval: "bg-rose-50 text-rose-700",
  destination: "bg-emerald-50 text-emerald-700",
};

