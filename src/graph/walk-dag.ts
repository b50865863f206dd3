/**
 * Runs an async visitor over a DAG: each node starts once all its dependencies have
 * finished, at most `parallelism` visits run at once, a failed node skips everything that
 * depends on it while independent branches go on, and a stop request lets the visits in
 * flight finish but starts no new ones.
 *
 * A visit may give up its place while it waits for something that is not the work being
 * limited (`controls.idle`, e.g. the journal reaching the disk): another node runs
 * meanwhile, and the visit gets a place back before any new node starts.
 */
import type { Dag } from './dag.js';

export type WalkOutcome = 'done' | 'failed' | 'skipped' | 'not-started';

export interface WalkOptions {
  parallelism: number;
  /** Checked before starting each node; when true no further node starts. */
  shouldStop?: () => boolean;
}

export interface WalkResult {
  outcomes: Map<string, WalkOutcome>;
  /** The dependency that failed, for skipped nodes. */
  skippedBecause: Map<string, string>;
}

export interface VisitControls {
  /** Waits for `work` without holding a place; resolves (or rejects) once a place is held again. */
  idle<T>(work: Promise<T>): Promise<T>;
}

/** `visit` resolves true on success, false on failure (it must not throw for user errors). */
export async function walkDag(
  dag: Dag,
  visit: (id: string, controls: VisitControls) => Promise<boolean>,
  options: WalkOptions,
): Promise<WalkResult> {
  const outcomes = new Map<string, WalkOutcome>();
  const skippedBecause = new Map<string, string>();
  const waiting = new Map<string, number>();
  const ready: string[] = [];
  let head = 0; // ready[head..] are waiting to start
  for (const id of dag.nodes()) {
    const n = dag.dependenciesOf(id).size;
    waiting.set(id, n);
    if (n === 0) ready.push(id);
  }
  let running = 0;
  /** Visits waiting in `idle` (started, not finished, holding no place). */
  let idling = 0;
  /** Visits back from `idle`, waiting for a place; served before new nodes. */
  const resuming: (() => void)[] = [];
  let finished = 0;
  const total = dag.size;
  const parallelism = Math.max(1, options.parallelism);

  return new Promise<WalkResult>((resolve, reject) => {
    const skip = (id: string, cause: string): void => {
      // iterative: mark every transitive dependent skipped
      const stack = [id];
      while (stack.length > 0) {
        const cur = stack.pop()!;
        if (outcomes.has(cur)) continue;
        outcomes.set(cur, 'skipped');
        skippedBecause.set(cur, cause);
        finished++;
        for (const d of dag.dependentsOf(cur)) if (!outcomes.has(d)) stack.push(d);
      }
    };
    const settle = (): void => {
      if (running === 0 && idling === 0 && (finished === total || head === ready.length || options.shouldStop?.())) {
        for (const id of dag.nodes()) if (!outcomes.has(id)) outcomes.set(id, 'not-started');
        resolve({ outcomes, skippedBecause });
      }
    };
    const controls: VisitControls = {
      idle: async <T>(work: Promise<T>): Promise<T> => {
        running--;
        idling++;
        pump();
        try {
          return await work;
        } finally {
          await new Promise<void>((resume) => {
            resuming.push(resume);
            pump();
          });
          idling--;
        }
      },
    };
    const pump = (): void => {
      while (running < parallelism && resuming.length > 0) {
        running++;
        resuming.shift()!();
      }
      while (running < parallelism && head < ready.length && !options.shouldStop?.()) {
        const id = ready[head++]!;
        if (outcomes.has(id)) continue;
        running++;
        visit(id, controls).then(
          (ok) => {
            running--;
            finished++;
            outcomes.set(id, ok ? 'done' : 'failed');
            for (const d of dag.dependentsOf(id)) {
              if (!ok) {
                skip(d, id);
                continue;
              }
              const n = waiting.get(d)! - 1;
              waiting.set(d, n);
              if (n === 0 && !outcomes.has(d)) ready.push(d);
            }
            pump();
          },
          (err: unknown) => reject(err),
        );
      }
      settle();
    };
    pump();
  });
}
