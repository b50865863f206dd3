/**
 * Progress of an apply for people: a line when each operation starts and ends, with the
 * elapsed time, and a still-running line every 10 s (`--json` is render/json-ui-lines.ts).
 */
import type { ApplyProgress, OperationKind, OperationStart } from '../apply/apply-events.js';
import type { Redactor } from '../core/redact.js';
import { palette } from './palette.js';
import type { TextOutput } from './text-output.js';

const PRESENT: Record<OperationKind, [string, string, string]> = {
  create: ['Creating...', 'Still creating...', 'Creation complete'],
  update: ['Modifying...', 'Still modifying...', 'Modifications complete'],
  delete: ['Destroying...', 'Still destroying...', 'Destruction complete'],
  read: ['Reading...', 'Still reading...', 'Read complete'],
  move: ['Moving in state...', 'Still moving...', 'Move complete'],
  import: ['Importing...', 'Still importing...', 'Import complete'],
  forget: ["Removing from hl's state...", 'Still removing...', "Removed from hl's state (not destroyed)"],
};

export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function progressView(term: TextOutput, opts: { redact: Redactor; intervalMs?: number; now?: () => number }): ApplyProgress {
  const now = opts.now ?? Date.now;
  const running = new Map<string, { op: OperationKind; started: number }>();
  const key = (e: OperationStart): string => `${e.operation}:${e.address}`;
  const c = palette(term.color);
  const timer = setInterval(() => {
    for (const [k, r] of running) {
      const address = k.slice(k.indexOf(':') + 1);
      const elapsed = now() - r.started;
      term.out(`${c.bold(address)}: ${PRESENT[r.op][1]} [${formatElapsed(elapsed)} elapsed]\n`);
    }
  }, opts.intervalMs ?? 10_000);
  timer.unref();
  return {
    operationStart(e) {
      running.set(key(e), { op: e.operation, started: now() });
      term.out(`${c.bold(e.address)}: ${PRESENT[e.operation][0]}\n`);
    },
    operationProgress(e) {
      term.out(`${c.bold(e.address)}: ${c.dim(opts.redact(e.message))}\n`);
    },
    operationEnd(e) {
      const r = running.get(key(e));
      running.delete(key(e));
      const elapsed = r ? now() - r.started : 0;
      if (e.outcome === 'ok') {
        term.out(`${c.bold(e.address)}: ${PRESENT[e.operation][2]} after ${formatElapsed(elapsed)}${e.id ? ` [id=${e.id}]` : ''}\n`);
      } else {
        term.out(`${c.bold(e.address)}: ${c.red('Failed')} after ${formatElapsed(elapsed)}: ${opts.redact(e.message ?? '')}\n`);
      }
    },
    stop() {
      clearInterval(timer);
    },
  };
}
