/**
 * A generic directed acyclic graph keyed by string ids, knowing nothing of resources.
 * An edge `from -> to` means "from depends on to": `to` must be handled first.
 * Every operation is O(V + E).
 */

export class Dag {
  private readonly deps = new Map<string, Set<string>>();
  private readonly dependents = new Map<string, Set<string>>();

  addNode(id: string): void {
    if (!this.deps.has(id)) {
      this.deps.set(id, new Set());
      this.dependents.set(id, new Set());
    }
  }

  hasNode(id: string): boolean {
    return this.deps.has(id);
  }

  /** `from` depends on `to`. Both nodes are added if missing. */
  addEdge(from: string, to: string): void {
    this.addNode(from);
    this.addNode(to);
    this.deps.get(from)!.add(to);
    this.dependents.get(to)!.add(from);
  }

  nodes(): IterableIterator<string> {
    return this.deps.keys();
  }

  get size(): number {
    return this.deps.size;
  }

  dependenciesOf(id: string): ReadonlySet<string> {
    return this.deps.get(id) ?? EMPTY;
  }

  dependentsOf(id: string): ReadonlySet<string> {
    return this.dependents.get(id) ?? EMPTY;
  }

  /** The same graph with every edge reversed (for deletes: dependents go first). */
  reversed(): Dag {
    const r = new Dag();
    for (const id of this.deps.keys()) r.addNode(id);
    for (const [from, tos] of this.deps) for (const to of tos) r.addEdge(to, from);
    return r;
  }

  /**
   * Dependencies first (Kahn's algorithm, ties broken by insertion order so the result is
   * deterministic). Returns the cycle instead when there is one.
   */
  topologicalOrder(): { order: string[] } | { cycle: string[] } {
    const remaining = new Map<string, number>();
    const ready: string[] = [];
    for (const [id, d] of this.deps) {
      remaining.set(id, d.size);
      if (d.size === 0) ready.push(id);
    }
    const order: string[] = [];
    for (let i = 0; i < ready.length; i++) {
      const id = ready[i]!;
      order.push(id);
      for (const dep of this.dependents.get(id)!) {
        const n = remaining.get(dep)! - 1;
        remaining.set(dep, n);
        if (n === 0) ready.push(dep);
      }
    }
    if (order.length === this.deps.size) return { order };
    return { cycle: this.findCycle(new Set(order)) };
  }

  /** A cycle among the nodes not in `done`, as a path `a, b, c, a` (a depends on b ...). */
  private findCycle(done: Set<string>): string[] {
    const state = new Map<string, 1 | 2>(); // 1 on stack, 2 finished
    for (const start of this.deps.keys()) {
      if (done.has(start) || state.has(start)) continue;
      // iterative DFS keeping the path
      const path: string[] = [];
      const iters: Iterator<string>[] = [];
      path.push(start);
      iters.push(this.deps.get(start)!.values());
      state.set(start, 1);
      while (path.length > 0) {
        const next = iters[iters.length - 1]!.next();
        if (next.done) {
          state.set(path.pop()!, 2);
          iters.pop();
          continue;
        }
        const to = next.value;
        if (done.has(to)) continue;
        const st = state.get(to);
        if (st === 1) return [...path.slice(path.indexOf(to)), to];
        if (st === undefined) {
          state.set(to, 1);
          path.push(to);
          iters.push(this.deps.get(to)!.values());
        }
      }
    }
    throw new Error('findCycle called on an acyclic remainder');
  }

  /** Every node reachable from `ids` by following dependencies (ids included). */
  ancestorsClosure(ids: Iterable<string>): Set<string> {
    return this.closure(ids, this.deps);
  }

  /** Every node that depends, directly or not, on one of `ids` (ids included). */
  descendantsClosure(ids: Iterable<string>): Set<string> {
    return this.closure(ids, this.dependents);
  }

  private closure(ids: Iterable<string>, edges: Map<string, Set<string>>): Set<string> {
    const seen = new Set<string>();
    const stack = [...ids];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const n of edges.get(id) ?? EMPTY) if (!seen.has(n)) stack.push(n);
    }
    return seen;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
