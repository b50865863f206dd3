/**
 * The fake provider's world: objects kept in an append-only log file, so every create,
 * update and delete is durable the moment it returns (a SIGKILL right after loses nothing)
 * and costs O(1) I/O. Used by tests, torture runs and benchmarks.
 */
import { appendFileSync, existsSync, fsyncSync, openSync, closeSync, readFileSync } from 'node:fs';
import type { Attributes } from '../../src/core/value.js';

export interface FakeObject {
  id: string;
  type: string;
  attributes: Attributes;
}

type LogRecord = { op: 'put'; obj: FakeObject } | { op: 'del'; id: string } | { op: 'seq'; next: number };

export class FakeWorld {
  private readonly objects = new Map<string, FakeObject>();
  private nextId = 1;
  private fd: number | undefined;

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        let rec: LogRecord;
        try {
          rec = JSON.parse(line) as LogRecord;
        } catch {
          continue; // a torn last line from a kill mid-write
        }
        if (rec.op === 'put') this.objects.set(rec.obj.id, rec.obj);
        else if (rec.op === 'del') this.objects.delete(rec.id);
        else this.nextId = Math.max(this.nextId, rec.next);
      }
    }
  }

  private append(rec: LogRecord): void {
    if (!this.file) return;
    if (this.fd === undefined) this.fd = openSync(this.file, 'a', 0o600);
    appendFileSync(this.fd, JSON.stringify(rec) + '\n');
    fsyncSync(this.fd);
  }

  allocateId(): string {
    const id = `fake-${this.nextId++}`;
    this.append({ op: 'seq', next: this.nextId });
    return id;
  }

  get(id: string): FakeObject | undefined {
    return this.objects.get(id);
  }

  put(obj: FakeObject): void {
    this.objects.set(obj.id, obj);
    this.append({ op: 'put', obj });
  }

  delete(id: string): boolean {
    const had = this.objects.delete(id);
    if (had) this.append({ op: 'del', id });
    return had;
  }

  list(): FakeObject[] {
    return [...this.objects.values()];
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
