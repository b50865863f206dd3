/** Counts of a plan's changes by kind, for the summary line. */
import type { PlanSummary, ResourceChange } from './plan-types.js';

export function summarizeChanges(changes: readonly ResourceChange[]): PlanSummary {
  const s: PlanSummary = { add: 0, change: 0, replace: 0, destroy: 0, read: 0 };
  for (const c of changes) {
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
      case 'no-op':
        break;
    }
  }
  return s;
}
