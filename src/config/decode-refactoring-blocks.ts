/**
 * Decoding the refactoring blocks `moved`, `import` and `removed` (see refactoring-types.ts),
 * each a list under its top-level key, and the checks that need only the config: addresses
 * that do not parse, moves between types, two moves from one address or to one address, a
 * cycle of moves, an import into a block the config does not declare, a removed block that
 * is still in the config. Every problem is located at the value at fault.
 */
import { blockAddress, formatAddress, parseAddress, parseModulePath, type ResourceAddress } from '../core/address.js';
import { error, formatLocation, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import type { Node, ScalarNode } from '../yaml/node.js';
import type { DecodeReport } from './decode-report.js';
import type { ImportBlock, MovedBlock, RemovedBlock } from './refactoring-types.js';

export const REFACTORING_KEYS = ['moved', 'import', 'removed'] as const;
export type RefactoringKey = (typeof REFACTORING_KEYS)[number];

export interface DecodedRefactorings {
  moved: MovedBlock[];
  imports: ImportBlock[];
  removed: RemovedBlock[];
}

const ADDRESS_HINT = 'Write a resource address such as proxmox_vm.k3s, proxmox_vm.k3s["pve"] or module.k3s_node["pve"].proxmox_vm.this.';

/** Decodes one `moved:`, `import:` or `removed:` list of a file into `out`. */
export function decodeRefactoringList(key: RefactoringKey, list: Node, out: DecodedRefactorings, report: DecodeReport): void {
  if (list.kind === 'scalar' && list.value === null) return;
  if (list.kind !== 'seq') {
    report.shapeError(`${key} must be a list of blocks`, list.loc);
    return;
  }
  for (const item of list.items) {
    if (item.kind !== 'map') {
      report.shapeError(`Each entry of ${key} must be a map`, item.loc);
      continue;
    }
    const fields = new Map(item.entries.map((e) => [e.key, e]));
    const allowed = key === 'moved' ? ['from', 'to'] : key === 'import' ? ['to', 'id', 'for_each'] : ['from', 'lifecycle'];
    for (const e of item.entries)
      if (!allowed.includes(e.key)) report.shapeError(`Unsupported attribute "${e.key}" in a ${key} block`, e.keyLoc);
    const required = key === 'moved' ? ['from', 'to'] : key === 'import' ? ['to', 'id'] : ['from'];
    const missing = required.filter((f) => !fields.has(f));
    if (missing.length > 0) {
      report.shapeError(`A ${key} block needs ${missing.map((m) => `"${m}"`).join(' and ')}`, item.loc);
      continue;
    }
    if (key === 'moved') {
      const from = addressField(fields.get('from')!.value, 'from', 'moved', report);
      const to = addressField(fields.get('to')!.value, 'to', 'moved', report);
      if (from && to)
        out.moved.push({ from, to, fromLoc: fields.get('from')!.value.loc, toLoc: fields.get('to')!.value.loc, loc: item.loc });
    } else if (key === 'import') {
      const decoded = decodeImport(item.loc, fields.get('to')!.value, fields.get('id')!.value, fields.get('for_each')?.value, report);
      if (decoded) out.imports.push(decoded);
    } else {
      const from = addressField(fields.get('from')!.value, 'from', 'removed', report);
      const destroy = decodeRemovedLifecycle(fields.get('lifecycle')?.value, report);
      if (from && destroy !== undefined) out.removed.push({ from, destroy, fromLoc: fields.get('from')!.value.loc, loc: item.loc });
    }
  }
}

/** A managed resource address written as a plain string. */
function addressField(n: Node, field: string, block: RefactoringKey, report: DecodeReport): ResourceAddress | undefined {
  const text = n.kind === 'scalar' && typeof n.value === 'string' ? n.value : undefined;
  const addr = text === undefined ? undefined : parseAddress(text);
  if (!addr) {
    const modulePath = text !== undefined && parseModulePath(text) !== undefined;
    report.semanticError(
      `Invalid ${field} in a ${block} block: ${text === undefined ? 'expected an address' : `"${text}" is not a resource address`}`,
      n.loc,
      modulePath
        ? 'hl moves resources, not whole module calls: write one block per resource, such as module.k3s_node["pve"].proxmox_vm.this.'
        : ADDRESS_HINT,
    );
    return undefined;
  }
  if (addr.mode !== 'managed') {
    report.semanticError(
      `Invalid ${field} in a ${block} block: ${text} is a data source; ${block} blocks are for managed resources`,
      n.loc,
    );
    return undefined;
  }
  return addr;
}

function decodeImport(
  loc: SourceLocation,
  toNode: Node,
  id: Node,
  forEach: Node | undefined,
  report: DecodeReport,
): ImportBlock | undefined {
  const text = toNode.kind === 'scalar' && typeof toNode.value === 'string' ? toNode.value.trim() : undefined;
  if (text === undefined) {
    report.semanticError('Invalid to in an import block: expected an address', toNode.loc, ADDRESS_HINT);
    return undefined;
  }
  let to = parseAddress(text);
  let keyExpression: Node | undefined;
  if (!to) {
    const split = splitKeyExpression(text);
    const block = split && parseAddress(split.block);
    if (!split || !block || block.key !== null) {
      report.semanticError(
        `Invalid to in an import block: "${text}" is not a resource address`,
        toNode.loc,
        `${ADDRESS_HINT} With for_each the key may be an expression: proxmox_vm.k3s[each.key].`,
      );
      return undefined;
    }
    to = block;
    const scalar: ScalarNode = { kind: 'scalar', value: `\${${split.key}}`, loc: toNode.loc };
    keyExpression = scalar;
  }
  if (to.mode !== 'managed') {
    report.semanticError(`Invalid to in an import block: ${text} is a data source; only managed resources are imported`, toNode.loc);
    return undefined;
  }
  if (!(id.kind === 'scalar' && typeof id.value === 'string' && id.value !== '')) {
    report.semanticError('Invalid id in an import block: expected the object\'s id as a string, such as "pve/113"', id.loc);
    return undefined;
  }
  if (forEach && !keyExpression) {
    report.semanticError(
      `Invalid to in an import block with for_each: every instance would import into ${text}`,
      toNode.loc,
      'Give the key from each, for example proxmox_vm.k3s[each.key].',
    );
    return undefined;
  }
  const out: ImportBlock = { to, id, toLoc: toNode.loc, loc };
  if (keyExpression) out.keyExpression = keyExpression;
  if (forEach) out.forEach = forEach;
  return out;
}

/** `type.name[expr]` → the block part and the key expression's text; undefined when not of that form. */
function splitKeyExpression(text: string): { block: string; key: string } | undefined {
  if (!text.endsWith(']')) return undefined;
  let depth = 0;
  let quote = false;
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === '"') quote = false;
      continue;
    }
    if (ch === '"') quote = true;
    else if (ch === '[') {
      if (depth === 0) open = i;
      depth++;
    } else if (ch === ']') depth--;
  }
  if (open < 0 || depth !== 0 || quote) return undefined;
  const key = text.slice(open + 1, -1).trim();
  return key === '' ? undefined : { block: text.slice(0, open), key };
}

/** `lifecycle: { destroy: bool }`; the default is to destroy, as in Terraform. */
function decodeRemovedLifecycle(n: Node | undefined, report: DecodeReport): boolean | undefined {
  if (n === undefined || (n.kind === 'scalar' && n.value === null)) return true;
  if (n.kind !== 'map') {
    report.shapeError('lifecycle of a removed block must be a map such as { destroy: false }', n.loc);
    return undefined;
  }
  let destroy = true;
  for (const e of n.entries) {
    if (e.key !== 'destroy') {
      report.shapeError(`Unsupported attribute "${e.key}" in the lifecycle of a removed block`, e.keyLoc);
      return undefined;
    }
    if (!(e.value.kind === 'scalar' && typeof e.value.value === 'boolean')) {
      report.shapeError('lifecycle.destroy of a removed block must be true or false', e.value.loc);
      return undefined;
    }
    destroy = e.value.value;
  }
  return destroy;
}

/** What the config as a whole holds for the checks below. */
export interface RefactoringConfig extends DecodedRefactorings {
  resources: ReadonlyMap<string, { mode: 'managed' | 'data'; loc: SourceLocation }>;
}

/**
 * The checks across all files: each problem once, at the block at fault. When the config is
 * parsed (`modules: 'skip'`) addresses inside modules are not checked against the
 * resources, since module instances are expanded later; once they are, the engine checks
 * those (`modules: 'only'`).
 */
export function checkRefactoringBlocks(config: RefactoringConfig, opts: { modules: 'skip' | 'only' } = { modules: 'skip' }): Diagnostic[] {
  const inScope = (a: ResourceAddress): boolean => (opts.modules === 'only') === Boolean(a.module);
  const scoped: RefactoringConfig = {
    ...config,
    imports: config.imports.filter((i) => inScope(i.to)),
    removed: config.removed.filter((r) => inScope(r.from)),
  };
  return [...(opts.modules === 'skip' ? checkMoved(config.moved) : []), ...checkImports(scoped), ...checkRemoved(scoped)];
}

/** Whether a move takes the whole block (every instance, keys kept) rather than one instance. */
export function isBlockMove(m: Pick<MovedBlock, 'from' | 'to'>): boolean {
  return m.from.key === null && m.to.key === null;
}

function checkMoved(moved: readonly MovedBlock[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bySource = new Map<string, MovedBlock>();
  const byTarget = new Map<string, MovedBlock>();
  const valid: MovedBlock[] = [];
  for (const m of moved) {
    const from = formatAddress(m.from);
    const to = formatAddress(m.to);
    if (m.from.type !== m.to.type) {
      out.push(
        error(
          `Cannot move ${from} to ${to}: a resource keeps its type`,
          m.toLoc,
          `${from} is a ${m.from.type}; a move can only rename it (${m.from.type}.NAME). To change the type, add the new block, import the object into it and remove the old one.`,
        ),
      );
      continue;
    }
    if (from === to) {
      out.push(error(`Redundant moved block: ${from} is moved to itself`, m.loc));
      continue;
    }
    const firstFrom = bySource.get(from);
    if (firstFrom) {
      out.push(
        error(
          `Two moved blocks move ${from}; the first is at ${formatLocation(firstFrom.loc)}`,
          m.fromLoc,
          'An object can only move to one address.',
        ),
      );
      continue;
    }
    const firstTo = byTarget.get(to);
    if (firstTo) {
      out.push(
        error(
          `Two moved blocks move objects to ${to}; the first is at ${formatLocation(firstTo.loc)}`,
          m.toLoc,
          'Only one object can be at an address.',
        ),
      );
      continue;
    }
    bySource.set(from, m);
    byTarget.set(to, m);
    valid.push(m);
  }
  // a cycle: following the moves from a block's `to` comes back to its `from`. Each move leads
  // to at most one next move (the one that would take the object there), so one walk with
  // colours finds every cycle in linear time.
  const takes = moveFrom(valid);
  const nextOf = (m: MovedBlock): MovedBlock | undefined => {
    const n = takes(m.to);
    return n === m ? undefined : n;
  };
  const state = new Map<MovedBlock, 'walking' | 'done'>();
  for (const start of valid) {
    if (state.has(start)) continue;
    const path: MovedBlock[] = [];
    let cur: MovedBlock | undefined = start;
    while (cur && !state.has(cur)) {
      state.set(cur, 'walking');
      path.push(cur);
      cur = nextOf(cur);
    }
    if (cur && state.get(cur) === 'walking') {
      const cycle = path.slice(path.indexOf(cur));
      const chain = [...cycle.map((m) => formatAddress(m.from)), formatAddress(cur.from)].join(' -> ');
      out.push(error(`Cycle of moved blocks: ${chain}`, cur.loc, 'Each object must end at one address; remove one of these moves.'));
    }
    for (const m of path) state.set(m, 'done');
  }
  return out;
}

/**
 * The move that takes the object at an address, found through maps rather than a scan (a
 * config may hold thousands of moves): an instance move (its `from` has a key) first, else
 * the first in file order of an exact move from a keyless address and a block move.
 */
export function moveFrom(moved: readonly MovedBlock[]): (addr: ResourceAddress) => MovedBlock | undefined {
  const keyed = new Map<string, MovedBlock>();
  const exact = new Map<string, { m: MovedBlock; i: number }>();
  const whole = new Map<string, { m: MovedBlock; i: number }>();
  moved.forEach((m, i) => {
    const from = formatAddress(m.from);
    if (m.from.key !== null) {
      if (!keyed.has(from)) keyed.set(from, m);
    } else if (isBlockMove(m)) {
      if (!whole.has(blockAddress(m.from))) whole.set(blockAddress(m.from), { m, i });
    } else if (!exact.has(from)) exact.set(from, { m, i });
  });
  return (addr) => {
    const k = keyed.get(formatAddress(addr));
    if (k) return k;
    const e = exact.get(formatAddress(addr));
    const w = whole.get(blockAddress(addr));
    if (e && w) return e.i < w.i ? e.m : w.m;
    return (e ?? w)?.m;
  };
}

/** Where `m` puts the object at `addr` (which it matches). */
export function movedTarget(m: Pick<MovedBlock, 'from' | 'to'>, addr: ResourceAddress): ResourceAddress {
  return isBlockMove(m) ? { ...m.to, key: addr.key } : m.to;
}

function checkImports(config: RefactoringConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, ImportBlock>();
  for (const imp of config.imports) {
    const block = blockAddress(imp.to);
    if (config.resources.get(block)?.mode !== 'managed') {
      out.push(
        error(
          `Cannot import into ${block}: the configuration declares no such resource`,
          imp.toLoc,
          `An import needs a resource block to manage the object: add ${block} under resources: with the object's settings.`,
        ),
      );
      continue;
    }
    if (imp.keyExpression) continue;
    const to = formatAddress(imp.to);
    const first = seen.get(to);
    if (first) out.push(error(`Two import blocks import into ${to}; the first is at ${formatLocation(first.loc)}`, imp.toLoc));
    else seen.set(to, imp);
  }
  return out;
}

function checkRemoved(config: RefactoringConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, RemovedBlock>();
  for (const r of config.removed) {
    const from = formatAddress(r.from);
    const first = seen.get(from);
    if (first) {
      out.push(error(`Two removed blocks remove ${from}; the first is at ${formatLocation(first.loc)}`, r.fromLoc));
      continue;
    }
    seen.set(from, r);
    const block = config.resources.get(blockAddress(r.from));
    if (block && r.from.key === null) {
      out.push(
        error(
          `Removed resource block still exists: ${from} is declared at ${formatLocation(block.loc)}`,
          r.fromLoc,
          'Delete the resource block as well; a removed block is for a resource that is no longer in the configuration.',
        ),
      );
    }
  }
  return out;
}
