/**
 * import blocks at plan time (engine/plan-imports.ts with plan/planned-imports.ts): the
 * objects read through the provider, for_each evaluated in the config's scope, and each
 * refusal at the import block: an id the provider cannot find, an address state holds with
 * another object, an object state manages elsewhere, a provider that cannot import.
 */
import { describe, expect, it } from 'vitest';
import { formatLocation, type Diagnostic } from '../../src/core/diagnostic.js';
import { makeEngineFixture } from './engine-fixture.js';

const errors = (d: Diagnostic[]) => d.filter((x) => x.severity === 'error').map((x) => `${x.location ? formatLocation(x.location) : '-'} ${x.summary}`);

describe('import blocks at plan time', () => {
  it('reads each for_each target through the provider and plans it as imported', async () => {
    const f = makeEngineFixture();
    const a = await f.provider.create({ type: 'fake_resource', planned: { name: 'a', value: 1 } });
    const b = await f.provider.create({ type: 'fake_resource', planned: { name: 'b', value: 2 } });
    const r = await f.planLive(`locals:
  objects: { a: { id: ${a.id}, value: 1 }, b: { id: ${b.id}, value: 2 } }
resources:
  fake_resource.r:
    for_each: \${local.objects}
    name: \${each.key}
    value: \${each.value.value}
import:
  - for_each: \${local.objects}
    to: fake_resource.r[each.key]
    id: \${each.value.id}
`);
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.plan!.changes.map((c) => [c.address, c.action, c.importing?.id])).toEqual([
      ['fake_resource.r["a"]', 'no-op', a.id],
      ['fake_resource.r["b"]', 'no-op', b.id],
    ]);
    expect(r.plan!.summary.import).toBe(2);
  });

  it('refuses an id the provider cannot find, at the import block', async () => {
    const f = makeEngineFixture();
    const r = await f.planLive('resources:\n  fake_resource.r: { name: r }\nimport:\n  - to: fake_resource.r\n    id: fake-404\n');
    expect(r.plan).toBeUndefined();
    expect(errors(r.diagnostics)).toEqual(['main.yaml:4:5 Cannot import fake_resource.r: no fake_resource with id "fake-404" exists']);
  });

  it('refuses an address state holds with another object ("already managed"); the same id is a no-op', async () => {
    const f = makeEngineFixture();
    await f.apply('resources:\n  fake_resource.r: { name: r }\n');
    const other = await f.provider.create({ type: 'fake_resource', planned: { name: 'other' } });
    const refused = await f.planLive(`resources:\n  fake_resource.r: { name: r }\nimport:\n  - to: fake_resource.r\n    id: ${other.id}\n`);
    expect(errors(refused.diagnostics)).toEqual([
      expect.stringMatching(/^main\.yaml:4:5 Resource already managed by hl: fake_resource\.r is in state with id "fake-\d+", so "fake-\d+" cannot be imported there$/),
    ]);
    const id = (await f.openStore()).getResource('fake_resource.r')!.id;
    const same = await f.planLive(`resources:\n  fake_resource.r: { name: r }\nimport:\n  - to: fake_resource.r\n    id: ${id}\n`);
    expect(errors(same.diagnostics)).toEqual([]);
    expect(same.plan!.hasChanges).toBe(false);
  });

  it('refuses an object state manages at another address', async () => {
    const f = makeEngineFixture();
    await f.apply('resources:\n  fake_resource.r: { name: r }\n');
    const id = (await f.openStore()).getResource('fake_resource.r')!.id;
    const r = await f.planLive(`resources:\n  fake_resource.r: { name: r }\n  fake_resource.s: { name: r }\nimport:\n  - to: fake_resource.s\n    id: ${id}\n`);
    expect(errors(r.diagnostics)).toEqual([`main.yaml:5:5 Cannot import "${id}" into fake_resource.s: state already manages it as fake_resource.r`]);
  });

  it('refuses when the provider cannot import', async () => {
    const f = makeEngineFixture();
    (f.provider as { importResource?: unknown }).importResource = undefined;
    const r = await f.planLive('resources:\n  fake_resource.r: { name: r }\nimport:\n  - to: fake_resource.r\n    id: fake-1\n');
    expect(errors(r.diagnostics)).toEqual(['main.yaml:4:5 Cannot import fake_resource.r: provider "fake" cannot import fake_resource']);
  });
});
