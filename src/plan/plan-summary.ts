/** Counts of a plan's changes by kind, for the summary line. */
import type { PlanSummary, ResourceChange } from './plan-types.js';

export function summarizeChanges(changes: readonly ResourceChange[]): Required<PlanSummary> {
  const s: Required<PlanSummary> = { add: 0, change: 0, replace: 0, destroy: 0, read: 0, move: 0, import: 0, forget: 0 };
  for (const c of changes) {
    if (c.previousAddress !== undefined) s.move++;
    if (c.importing) s.import++;
    switch (c.action) {
      case 'create':
        s.add++;
        break;
      case 'update':
        s.change++;
        break;
      case 'delete':
        if (c.before !== null) s.destroy++;
        break;
      case 'delete-create':
      case 'create-delete':
        s.replace++;
        break;
      case 'read':
        s.read++;
        break;
      case 'forget':
        s.forget++;
        break;
      case 'no-op':
        break;
    }
  }
  return s;
}

/** The summary a plan records: the counts of moves, imports and forgets only when there are any. */
export function planSummary(changes: readonly ResourceChange[]): PlanSummary {
  const { move, import: imports, forget, ...base } = summarizeChanges(changes);
  return { ...base, ...(move > 0 ? { move } : {}), ...(imports > 0 ? { import: imports } : {}), ...(forget > 0 ? { forget } : {}) };
}

/** Whether the counts hold anything apply would do to resources or state. */
export function summaryHasChanges(s: Required<PlanSummary>): boolean {
  return s.add + s.change + s.replace + s.destroy + s.read + s.move + s.import + s.forget > 0;
}
