/** `hl providers`: one row per provider instance (key, type, emulated or real, endpoint, resources), or JSON. */
import type { TextOutput } from './text-output.js';

/** One provider instance as the engine describes it (engine/providers-operation.ts); it holds no secret. */
export interface ProviderRow {
  key: string;
  type: string;
  declared: boolean;
  mode: 'emulated' | 'real';
  endpoint?: string;
  resources: { config: number; data: number; state: number };
}

export function printProviders(term: TextOutput, rows: readonly ProviderRow[], opts: { json: boolean }): void {
  if (opts.json) {
    term.out(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    term.out('The config uses no provider.\n');
    return;
  }
  const table = [
    ['PROVIDER', 'TYPE', 'MODE', 'ENDPOINT', 'RESOURCES', 'DATA', 'IN STATE'],
    ...rows.map((r) => [
      r.declared ? r.key : `${r.key} (no block)`,
      r.type,
      r.mode,
      r.mode === 'emulated' ? '(embedded emulator)' : (r.endpoint ?? '(not set)'),
      String(r.resources.config),
      String(r.resources.data),
      String(r.resources.state),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) term.out(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
}
