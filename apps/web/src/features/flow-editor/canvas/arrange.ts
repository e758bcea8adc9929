import type { Position } from "@flowgate/flow";

export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Arrangement = "left" | "center" | "top" | "middle" | "distribute-horizontal" | "distribute-vertical";

/**
 * New positions for the boxes (only those that move). Aligning lines the boxes up on the first
 * box's edge or centre as a person would: left edges on the leftmost, centres on the average centre.
 * Distributing keeps the outermost two in place and makes the gaps between neighbours equal.
 */
export function arrange(boxes: readonly Box[], how: Arrangement): Record<string, Position> {
  const moved: Record<string, Position> = {};
  const place = (box: Box, x: number, y: number) => {
    const position = { x: Math.round(x), y: Math.round(y) };
    if (position.x !== box.x || position.y !== box.y) moved[box.id] = position;
  };
  if (boxes.length < 2) return moved;
  switch (how) {
    case "left": {
      const left = Math.min(...boxes.map((b) => b.x));
      for (const box of boxes) place(box, left, box.y);
      break;
    }
    case "top": {
      const top = Math.min(...boxes.map((b) => b.y));
      for (const box of boxes) place(box, box.x, top);
      break;
    }
    case "center": {
      const centre = average(boxes.map((b) => b.x + b.width / 2));
      for (const box of boxes) place(box, centre - box.width / 2, box.y);
      break;
    }
    case "middle": {
      const middle = average(boxes.map((b) => b.y + b.height / 2));
      for (const box of boxes) place(box, box.x, middle - box.height / 2);
      break;
    }
    case "distribute-horizontal":
      distribute(boxes, "x", "width", (box, v) => place(box, v, box.y));
      break;
    case "distribute-vertical":
      distribute(boxes, "y", "height", (box, v) => place(box, box.x, v));
      break;
  }
  return moved;
}

function average(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function distribute(boxes: readonly Box[], axis: "x" | "y", size: "width" | "height", place: (box: Box, value: number) => void) {
  if (boxes.length < 3) return;
  const sorted = [...boxes].sort((a, b) => a[axis] + a[size] / 2 - (b[axis] + b[size] / 2));
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const span = last[axis] + last[size] - first[axis];
  const gap = (span - sorted.reduce((sum, b) => sum + b[size], 0)) / (sorted.length - 1);
  if (gap >= 0) {
    let cursor = first[axis];
    for (const box of sorted) {
      place(box, cursor);
      cursor += box[size] + gap;
    }
    return;
  }
  // The boxes overlap along this axis: equal steps between centres instead.
  const from = first[axis] + first[size] / 2;
  const step = (last[axis] + last[size] / 2 - from) / (sorted.length - 1);
  sorted.forEach((box, i) => place(box, from + step * i - box[size] / 2));
}
