/**
 * walkDag's places: a visit waiting in `idle` holds none (another node runs meanwhile), and
 * gets one back before any new node starts; the walk ends only when idle visits are done.
 */
import { describe, expect, it } from 'vitest';
import { Dag } from '../../src/graph/dag.js';
import { walkDag } from '../../src/graph/walk-dag.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('walkDag', () => {
  it('lets another node run while a visit is idle, and resumes the idle visit before new nodes', async () => {
    const dag = new Dag();
    for (const id of ['a', 'b', 'c']) dag.addNode(id);
    const log: string[] = [];
    const disk = deferred();
    const bGate = deferred();
    let running = 0;
    let maxRunning = 0;
    const enter = (): void => {
      running++;
      maxRunning = Math.max(maxRunning, running);
    };
    const walk = walkDag(
      dag,
      async (id, controls) => {
        enter();
        log.push(`start ${id}`);
        if (id === 'a') {
          running--;
          await controls.idle(disk.promise);
          enter();
          log.push('resume a');
        }
        if (id === 'b') await bGate.promise;
        log.push(`end ${id}`);
        running--;
        return true;
      },
      { parallelism: 1 },
    );
    await tick();
    // a is idle: b got the only place
    expect(log).toEqual(['start a', 'start b']);
    disk.resolve();
    await tick();
    // a's work is done, but b still holds the place
    expect(log).toEqual(['start a', 'start b']);
    bGate.resolve();
    const result = await walk;
    // a resumed before c started
    expect(log).toEqual(['start a', 'start b', 'end b', 'resume a', 'end a', 'start c', 'end c']);
    expect(maxRunning).toBe(1);
    expect([...result.outcomes.values()]).toEqual(['done', 'done', 'done']);
  });

  it('does not end while a visit is idle, and passes on a rejection of the idle work', async () => {
    const dag = new Dag();
    dag.addNode('only');
    const disk = deferred();
    let settled = false;
    const walk = walkDag(
      dag,
      async (_id, controls) => {
        try {
          await controls.idle(disk.promise.then(() => Promise.reject(new Error('disk full'))));
          return true;
        } catch (e) {
          return (e as Error).message !== 'disk full';
        }
      },
      { parallelism: 2 },
    ).then((r) => {
      settled = true;
      return r;
    });
    await tick();
    expect(settled).toBe(false);
    disk.resolve();
    const result = await walk;
    expect(result.outcomes.get('only')).toBe('failed');
  });
});
