/**
 * The state on the terminal: `hl state list`, `hl state show ADDRESS` (with the deposed
 * objects a replacement left), `hl show` without a plan file (human or JSON), and what
 * `hl state rm` and `hl state mv` did.
 */
import type { OutputState, ResourceState } from '../state/state-types.js';
import type { TextOutput } from './text-output.js';

/** `hl state list`: one address a line; with --json one array of `{address, mode, type, name, module?, index, provider, id, status}`. */
export function printAddresses(term: TextOutput, entries: readonly { address: string }[], opts: { json: boolean }): void {
  if (opts.json) term.out(`${JSON.stringify(entries, null, 2)}\n`);
  else for (const e of entries) term.out(`${e.address}\n`);
}

/** One resource, its sensitive values already masked (state/masked-resource.ts). */
export function printStateResource(term: TextOutput, r: ResourceState, opts: { json: boolean }): void {
  if (opts.json) {
    term.out(JSON.stringify(r) + '\n');
    return;
  }
  term.out(
    `# ${r.address} (id ${r.id}, provider ${r.provider}${r.status === 'tainted' ? ', tainted' : ''})\n${JSON.stringify(r.attributes, null, 2)}\n`,
  );
  // objects left by a create_before_destroy replacement; the next apply deletes them
  for (const d of r.deposed ?? [])
    term.out(`\n# ${r.address} (deposed object ${d.key}, id ${d.id})\n${JSON.stringify(d.attributes, null, 2)}\n`);
}

/** The whole state (resources already masked); sensitive outputs as null in JSON. */
export function printState(
  term: TextOutput,
  s: { lineage: string; serial: number; resources: readonly ResourceState[]; outputs: Record<string, OutputState> },
  opts: { json: boolean },
): void {
  if (opts.json) {
    const outputs = Object.fromEntries(Object.entries(s.outputs).map(([k, v]) => [k, { ...v, value: v.sensitive ? null : v.value }]));
    term.out(JSON.stringify({ lineage: s.lineage, serial: s.serial, resources: s.resources, outputs }) + '\n');
    return;
  }
  if (s.resources.length === 0) term.out('The state is empty.\n');
  for (const r of s.resources) term.out(`# ${r.address} (id ${r.id})\n${JSON.stringify(r.attributes, null, 2)}\n\n`);
}

export function printRemoved(term: TextOutput, address: string): void {
  term.out(`Removed ${address} from state. The object itself was not touched.\n`);
}

export function printMoved(term: TextOutput, from: string, to: string): void {
  term.out(`Moved ${from} to ${to}.\n`);
}
