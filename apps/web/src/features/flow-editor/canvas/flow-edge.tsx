"use client";

import { cn } from "@flowgate/ui";
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import type { CanvasEdge } from "./elements";

/** A connection; after a dry run it carries the number of records that passed it. */
function FlowEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected }: EdgeProps<CanvasEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const count = data?.count ?? null;
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        className={cn(
          "flowgate-edge",
          data?.errorPath && "flowgate-edge-error",
          selected && "flowgate-edge-selected",
        )}
        interactionWidth={16}
      />
      {count !== null ? (
        <EdgeLabelRenderer>
          <div
            aria-hidden
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            className={cn(
              "pointer-events-none absolute rounded-full border bg-white px-2 py-0.5 text-[11px] font-semibold tabular-nums shadow-sm",
              count === 0 ? "border-slate-200 text-slate-400" : "border-accent-200 text-accent-700",
            )}
          >
            {count.toLocaleString("en")}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}

export const FlowEdge = memo(FlowEdgeView);
