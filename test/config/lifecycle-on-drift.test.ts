/** `lifecycle.on_drift: report | revert` (what hl watch does with drift): decoded, default absent (report), a wrong value refused at file:line:col. */
import { describe, expect, it } from 'vitest';
import { formatLocation } from '../../src/core/diagnostic.js';
import { parseConfig } from '../../src/config/parse-config.js';

function load(onDrift: string | undefined) {
  const lifecycle = onDrift === undefined ? '' : `\n    lifecycle:\n      on_drift: ${onDrift}`;
  return parseConfig([{ path: 'main.yaml', text: `resources:\n  fake_resource.vm:\n    name: vm${lifecycle}\n` }]);
}

describe('lifecycle.on_drift', () => {
  it('is absent by default (hl watch reports)', () => {
    expect(load(undefined).config!.resources.get('fake_resource.vm')!.lifecycle.onDrift).toBeUndefined();
  });
  it.each(['report', 'revert'] as const)('decodes %s', (v) => {
    const r = load(v);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.config!.resources.get('fake_resource.vm')!.lifecycle.onDrift).toBe(v);
  });
  it('refuses another value where it is written', () => {
    const r = load('fix');
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.map((d) => `${d.location ? formatLocation(d.location) : '-'} ${d.summary}`).join('\n')).toMatch(/main\.yaml:5:17 .*on_drift/);
  });
});
