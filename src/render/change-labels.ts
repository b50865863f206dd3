/**
 * Words and symbols for a change's action, shared by the human, Markdown and JSON views:
 * the sign (`+`, `~`, `-/+` ...), the header phrase ("will be updated in place"), the
 * explanation of an action reason, Terraform's action arrays, and the display order.
 */
import { deposedAsChange } from '../plan/deposed-change.js';
import type { Action, ActionReason, DeposedDelete, PlanSummary, ResourceChange } from '../plan/plan-types.js';
import { formatKey } from '../core/address.js';
import type { Sign } from './attribute-diff-writer.js';

export function actionSign(action: Action): Sign {
  switch (action) {
    case 'create':
      return '+';
    case 'read':
      return '<=';
    case 'update':
      return '~';
    case 'delete':
      return '-';
    case 'delete-create':
      return '-/+';
    case 'create-delete':
      return '+/-';
    case 'forget':
      return '.';
    case 'no-op':
      return ' ';
  }
}

export function isReplace(action: Action): boolean {
  return action === 'delete-create' || action === 'create-delete';
}

/** "will be updated in place", for a planned change. */
export function plannedPhrase(action: Action): string {
  switch (action) {
    case 'create':
      return 'will be created';
    case 'read':
      return 'will be read during apply';
    case 'update':
      return 'will be updated in place';
    case 'delete':
      return 'will be destroyed';
    case 'delete-create':
      return 'will be replaced (delete then create)';
    case 'create-delete':
      return 'will be replaced (create before destroy)';
    case 'forget':
      return "will be removed from hl's state (it is not destroyed)";
    case 'no-op':
      return 'is unchanged';
  }
}

/**
 * The header of a planned change, `# addr will be ...`, as Terraform writes it for moves and
 * imports: a move or an import with nothing else to do says so (`# a has moved to b`,
 * `# b will be imported`); with a change besides, the header is the change's and `origin`
 * says where the object comes from.
 */
export function plannedHeader(change: Pick<ResourceChange, 'address' | 'action' | 'previousAddress' | 'importing'>): {
  subject: string;
  phrase: string;
  origin?: string;
} {
  const origin = change.importing
    ? `imported from ${JSON.stringify(change.importing.id)}`
    : change.previousAddress !== undefined
      ? `moved from ${change.previousAddress}`
      : undefined;
  if (change.action === 'no-op' && change.importing) return { subject: change.address, phrase: 'will be imported' };
  if (change.action === 'no-op' && change.previousAddress !== undefined)
    return { subject: change.previousAddress, phrase: `has moved to ${change.address}` };
  return { subject: change.address, phrase: plannedPhrase(change.action), ...(origin ? { origin } : {}) };
}

/** Whether a change is worth showing: an action other than no-op, or a move or an import. */
export function isVisibleChange(c: Pick<ResourceChange, 'action' | 'previousAddress' | 'importing'>): boolean {
  return c.action !== 'no-op' || c.previousAddress !== undefined || c.importing !== undefined;
}

/**
 * The counts of a summary line: `1 to import, 0 to add, 1 to change, 0 to replace, 0 to destroy,
 * 1 to move, 1 to forget` (imports, moves, forgets and reads only when there are any).
 */
export function summaryCounts(s: Required<PlanSummary>, withReads = false): string {
  return [
    ...(s.import > 0 ? [`${s.import} to import`] : []),
    `${s.add} to add`,
    `${s.change} to change`,
    `${s.replace} to replace`,
    `${s.destroy} to destroy`,
    ...(withReads && s.read > 0 ? [`${s.read} to read`] : []),
    ...(s.move > 0 ? [`${s.move} to move`] : []),
    ...(s.forget > 0 ? [`${s.forget} to forget`] : []),
  ].join(', ');
}

/** "has changed", for a change detected outside hl. */
export function driftPhrase(action: Action): string {
  return action === 'delete' ? 'has been deleted' : 'has changed';
}

/** Why the planner chose this action, as a short parenthesised line; undefined when obvious. */
export function reasonText(change: Pick<ResourceChange, 'reason' | 'block' | 'index' | 'replacePaths'>): string | undefined {
  const reason: ActionReason | undefined = change.reason;
  switch (reason) {
    case undefined:
    case 'delete_because_destroy':
      return undefined;
    case 'replace_because_tainted':
      return 'it is tainted, so it must be replaced';
    case 'replace_by_request':
      return 'replacement was requested with --replace';
    case 'replace_by_triggers':
      return 'a value in replace_triggered_by changed';
    case 'replace_because_cannot_update':
      return change.replacePaths.length > 0 ? undefined : 'the provider cannot update it in place';
    case 'delete_because_no_resource_config':
      return `because ${change.block} is not in the configuration`;
    case 'delete_because_count_index':
      return `because index ${formatKey(change.index)} is out of range for count`;
    case 'delete_because_each_key':
      return `because key ${formatKey(change.index)} is not in for_each`;
    case 'create_because_gone':
      return 'because it no longer exists: it was deleted outside hl';
    case 'delete_because_deposed':
      return 'an earlier create_before_destroy replacement made its successor but did not delete it';
    case 'read_because_config_unknown':
      return 'config refers to values not yet known';
  }
}

/** The `actions` array of `terraform show -json`. */
export function terraformActions(action: Action): string[] {
  switch (action) {
    case 'delete-create':
      return ['delete', 'create'];
    case 'create-delete':
      return ['create', 'delete'];
    default:
      return [action];
  }
}

/** Orders instances by block address, then numeric indices numerically and string keys as text. */
export function compareChanges(a: ResourceChange, b: ResourceChange): number {
  if (a.block !== b.block) return a.block < b.block ? -1 : 1;
  const x = a.index;
  const y = b.index;
  if (x === y) return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
  if (x === null) return -1;
  if (y === null) return 1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'number') return -1;
  if (typeof y === 'number') return 1;
  return x < y ? -1 : 1;
}

/** The changes worth showing (action other than no-op, moves and imports), in display order. O(k log k) for k of them. */
export function visibleChanges(changes: readonly ResourceChange[], deposed: readonly DeposedDelete[] = []): ResourceChange[] {
  const out: ResourceChange[] = [];
  for (const c of changes) if (isVisibleChange(c)) out.push(c);
  for (const d of deposed) out.push(deposedAsChange(d));
  return out.sort(compareChanges);
}
