/**
 * The machine-readable UI lines (render/json-ui-lines.ts) with a fixed clock: the common
 * fields, the hooks of an apply (start, still running, complete, errored), diagnostics with
 * their byte offsets and masked snippets, and secrets masked in every line.
 */
import { describe, expect, it } from 'vitest';
import { error } from '../../src/core/diagnostic.js';
import { makeRedactor } from '../../src/core/redact.js';
import { JsonUiLines, jsonUiResource } from '../../src/render/json-ui-lines.js';

function ui(now: () => number = () => Date.UTC(2026, 0, 2, 3, 4, 5, 678)): { view: JsonUiLines; lines: () => Record<string, unknown>[]; text: () => string } {
  let out = '';
  const view = new JsonUiLines({ hlVersion: '9.9.9', now, write: (l) => (out += l) });
  return { view, text: () => out, lines: () => out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('JSON UI lines', () => {
  it('every line has the common fields, the timestamp from the clock given', () => {
    const { view, lines } = ui();
    view.version();
    view.log('hello');
    expect(lines()).toEqual([
      { '@level': 'info', '@message': 'hl 9.9.9', '@module': 'hl.ui', '@timestamp': '2026-01-02T03:04:05.678Z', type: 'version', hl: '9.9.9', ui: '1.2' },
      { '@level': 'info', '@message': 'hello', '@module': 'hl.ui', '@timestamp': '2026-01-02T03:04:05.678Z', type: 'log' },
    ]);
  });

  it('names a resource in a module with its key as Terraform does', () => {
    expect(jsonUiResource('module.k3s_node["pve"].proxmox_vm.k3s[2]')).toEqual({
      addr: 'module.k3s_node["pve"].proxmox_vm.k3s[2]',
      module: 'module.k3s_node["pve"]',
      resource: 'proxmox_vm.k3s[2]',
      implied_provider: 'proxmox',
      resource_type: 'proxmox_vm',
      resource_name: 'k3s',
      resource_key: 2,
    });
  });

  it('hooks: start, still running on each tick with the elapsed seconds, complete with the id, errored at level error', () => {
    let now = 1_000;
    const { view, lines } = ui(() => now);
    view.operationStart({ address: 'fake_resource.a', operation: 'update' });
    view.operationStart({ address: 'fake_resource.b', operation: 'delete' });
    now = 13_000;
    view.tick();
    view.operationEnd({ address: 'fake_resource.a', operation: 'update', outcome: 'ok', id: 'fake-1' });
    now = 21_000;
    view.operationEnd({ address: 'fake_resource.b', operation: 'delete', outcome: 'error', message: 'refused' });
    view.tick();
    expect(lines().map((l) => [l['type'], l['@level'], l['@message'], (l['hook'] as Record<string, unknown>)['elapsed_seconds']])).toEqual([
      ['apply_start', 'info', 'fake_resource.a: Modifying...', undefined],
      ['apply_start', 'info', 'fake_resource.b: Destroying...', undefined],
      ['apply_progress', 'info', 'fake_resource.a: Still modifying... [12s elapsed]', 12],
      ['apply_progress', 'info', 'fake_resource.b: Still destroying... [12s elapsed]', 12],
      ['apply_complete', 'info', 'fake_resource.a: Modifications complete after 12s [id=fake-1]', 12],
      ['apply_errored', 'error', 'fake_resource.b: Destruction errored after 20s', 20],
    ]);
    expect(lines()[4]!['hook']).toMatchObject({ action: 'update', id_key: 'id', id_value: 'fake-1' });
  });

  it('masks secrets in every line, a secret holding a quote, a backslash, a newline or unicode too (issue 15)', () => {
    const secrets = ['pa"ss', 'back\\slash', 'new\nline', 'clé🔑x'];
    const { view, text, lines } = ui();
    view.useRedactor(makeRedactor([...secrets, 'q"']));
    for (const s of secrets) view.operationProgress({ address: 'fake_resource.a', operation: 'update', message: `sent ${s} to the server` });
    view.operationEnd({ address: 'fake_resource.a', operation: 'update', outcome: 'error', message: 'q"' });
    view.diagnostics([error(`token pa"ss refused`)]);
    const out = text();
    for (const s of secrets) {
      expect(out).not.toContain(s);
      expect(out).not.toContain(JSON.stringify(s).slice(1, -1));
    }
    expect(lines()[0]!['hook']).toMatchObject({ message: 'sent (sensitive value) to the server' });
    expect(lines()[4]!['hook']).toMatchObject({ message: '(sensitive value)' }); // a short secret, as a whole value
    expect(lines()[5]!['diagnostic']).toMatchObject({ summary: 'token (sensitive value) refused' });
    expect(out).not.toContain('q\\\\"');
  });

  it('a diagnostic: its range with the byte offset (UTF-8) and its source line as the snippet, secrets masked there too', () => {
    const { view, lines } = ui();
    const text = 'variables:\n  é: { default: "hunter22" }\n  x: { nope: 1 }\n';
    view.diagnostics([error('Unsupported attribute "nope"', { file: 'homelab.yaml', line: 3, col: 8 })], {
      files: [{ path: 'homelab.yaml', text }] as never,
      redact: makeRedactor(['hunter22']),
    });
    view.diagnostics([error('Wrong default', { file: 'homelab.yaml', line: 2, col: 17 })]);
    const [d1, d2] = lines().map((l) => l['diagnostic'] as Record<string, unknown>);
    expect(d1).toEqual({
      severity: 'error',
      summary: 'Unsupported attribute "nope"',
      detail: '',
      snippet: { context: null, code: '  x: { nope: 1 }', start_line: 3, highlight_start_offset: 7, highlight_end_offset: 7, values: [] },
      range: { filename: 'homelab.yaml', start: { line: 3, column: 8, byte: 48 }, end: { line: 3, column: 8, byte: 48 } },
    });
    expect(Buffer.from(text, 'utf8').subarray(48).toString('utf8').startsWith('nope')).toBe(true);
    expect(d2).toMatchObject({ snippet: { code: '  é: { default: "(sensitive value)" }' }, range: { start: { line: 2, column: 17, byte: 28 } } });
    expect(lines()[0]!['@message']).toBe('Error: Unsupported attribute "nope"');
  });
});
