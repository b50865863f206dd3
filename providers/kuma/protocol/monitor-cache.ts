/**
 * The client's copy of the server's monitor list, kept current from the pushes of both
 * protocol generations: `monitorList` (the whole list: after login, after `getMonitorList`,
 * and on 1.x after every change) replaces it; `updateMonitorIntoList` (2.x, an object of the
 * changed monitors) merges into it; `deleteMonitorFromList` (2.x, an id) removes one. Pushes go
 * to every socket of the user, so changes made in the web UI arrive here too.
 */

export type KumaMonitorObject = Record<string, unknown> & { id: number; name?: unknown; type?: unknown; parent?: unknown };

export class MonitorCache {
  private monitors = new Map<number, KumaMonitorObject>();
  /** Bumped by every whole-list push, so callers can wait for a fresh one. */
  private wholeListSeq = 0;
  private waiters: { afterSeq: number; resolve: () => void }[] = [];

  get sequence(): number {
    return this.wholeListSeq;
  }

  replaceAll(list: unknown): void {
    this.monitors = new Map();
    this.merge(list);
    this.wholeListSeq += 1;
    const ready = this.waiters.filter((w) => this.wholeListSeq > w.afterSeq);
    this.waiters = this.waiters.filter((w) => this.wholeListSeq <= w.afterSeq);
    for (const w of ready) w.resolve();
  }

  merge(list: unknown): void {
    if (list === null || typeof list !== 'object') return;
    for (const [key, monitor] of Object.entries(list as Record<string, unknown>)) {
      if (monitor === null || typeof monitor !== 'object') continue;
      const id = Number((monitor as { id?: unknown }).id ?? key);
      if (Number.isInteger(id)) this.monitors.set(id, { ...(monitor as Record<string, unknown>), id });
    }
  }

  remove(id: unknown): void {
    this.monitors.delete(Number(id));
  }

  /** Resolves once a whole-list push newer than `afterSeq` has been applied. */
  wholeListAfter(afterSeq: number): Promise<void> {
    if (this.wholeListSeq > afterSeq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ afterSeq, resolve }));
  }

  get(id: number): KumaMonitorObject | undefined {
    return this.monitors.get(id);
  }

  all(): KumaMonitorObject[] {
    return [...this.monitors.values()].sort((a, b) => a.id - b.id);
  }

  byName(name: string): KumaMonitorObject[] {
    return this.all().filter((m) => m.name === name);
  }

  clear(): void {
    this.monitors = new Map();
  }
}
