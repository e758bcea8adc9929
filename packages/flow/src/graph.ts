/** Graph helpers over node ids and edges; shared by the validator and the edit operations. Not exported from the package. */

export interface GraphEdge {
  readonly source: string;
  readonly target: string;
}

export interface FoundCycle {
  /** Node ids in the order the cycle visits them, starting with the earliest node in the document. */
  readonly nodeIds: string[];
  /** Index (in the edges given) of the edge that leads from the last node back to the first. */
  readonly closingEdgeIndex: number;
}

function outgoing(nodeIds: readonly string[], edges: readonly GraphEdge[]): Map<string, number[]> {
  const out = new Map<string, number[]>(nodeIds.map((id) => [id, []]));
  edges.forEach((edge, index) => {
    if (out.has(edge.target)) out.get(edge.source)?.push(index);
  });
  return out;
}

/**
 * One concrete cycle per strongly connected component that contains a cycle (Tarjan's algorithm).
 * Edges whose ends are not in `nodeIds` are ignored.
 */
export function findCycles(nodeIds: readonly string[], edges: readonly GraphEdge[]): FoundCycle[] {
  const out = outgoing(nodeIds, edges);
  const order = new Map(nodeIds.map((id, i) => [id, i]));
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  // Iterative so that a long chain of nodes cannot overflow the call stack.
  for (const root of nodeIds) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    lowLink.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edgeIndexes = out.get(frame.node)!;
      if (frame.next < edgeIndexes.length) {
        const target = edges[edgeIndexes[frame.next++]!]!.target;
        if (!index.has(target)) {
          index.set(target, counter);
          lowLink.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.node, Math.min(lowLink.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowLink.set(parent.node, Math.min(lowLink.get(parent.node)!, lowLink.get(frame.node)!));
      if (lowLink.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }

  const cycles: FoundCycle[] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = component.reduce((a, b) => (order.get(a)! <= order.get(b)! ? a : b));
    const cycle = shortestCycleThrough(start, members, edges, out);
    if (cycle) cycles.push(cycle);
  }
  return cycles.sort((a, b) => order.get(a.nodeIds[0]!)! - order.get(b.nodeIds[0]!)!);
}

function shortestCycleThrough(
  start: string,
  members: ReadonlySet<string>,
  edges: readonly GraphEdge[],
  out: ReadonlyMap<string, number[]>,
): FoundCycle | undefined {
  // Breadth-first from `start`, staying inside its component, until an edge leads back to `start`.
  const cameBy = new Map<string, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const edgeIndex of out.get(node)!) {
      const target = edges[edgeIndex]!.target;
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [node];
        for (let at = node; at !== start; ) {
          at = edges[cameBy.get(at)!]!.source;
          path.push(at);
        }
        return { nodeIds: path.reverse(), closingEdgeIndex: edgeIndex };
      }
      if (!cameBy.has(target)) {
        cameBy.set(target, edgeIndex);
        queue.push(target);
      }
    }
  }
  return undefined;
}

/** Whether `to` can be reached from `from` by following edges (a node reaches itself). */
export function reaches(edges: readonly GraphEdge[], from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    const list = next.get(edge.source);
    if (list) list.push(edge.target);
    else next.set(edge.source, [edge.target]);
  }
  const seen = new Set([from]);
  const pending = [from];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node === to) return true;
    for (const target of next.get(node) ?? []) {
      if (!seen.has(target)) {
        seen.add(target);
        pending.push(target);
      }
    }
  }
  return false;
}
