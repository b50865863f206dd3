/**
 * Applying moves, imports and forgets against a real state store and the recording fake
 * provider: state entries renamed or dropped without a provider write, imported objects
 * recorded before their update, and the next plan empty.
 */
import { describe, expect, it } from 'vitest';
import { checkSavedPlan } from '../../src/apply/saved-plan-check.js';
import { makeHarness } from '../support/engine-harness.js';

const writes = (calls: { method: string; phase: string }[]) =>
  calls.filter((c) => c.phase === 'start' && ['create', 'update', 'delete'].includes(c.method)).map((c) => c.method);

describe('apply of moved, import and removed blocks', () => {
  it('a moved block renames the state entry (no provider write); the next plan is empty', async () => {
    const h = makeHarness();
    await h.apply(`resources:\n  fake_resource.k3s: { for_each: [pve], name: "\${each.key}" }\n`);
    const before = (await h.openStore()).getResource('fake_resource.k3s["pve"]')!;
    h.provider.calls.length = 0;
    const renamed = `resources:
  fake_resource.k3s_node: { for_each: [pve], name: "\${each.key}" }
moved:
  - from: fake_resource.k3s
    to: fake_resource.k3s_node
`;
    const r = await h.apply(renamed);
    expect(r.diagnostics).toEqual([]);
    expect(r.counts.moved).toBe(1);
    expect(writes(h.provider.calls)).toEqual([]);
    const store = await h.openStore();
    expect(store.getResource('fake_resource.k3s["pve"]')).toBeUndefined();
    expect(store.getResource('fake_resource.k3s_node["pve"]')).toMatchObject({ id: before.id, name: 'k3s_node', index: 'pve' });
    await store.close();
    const again = await h.plan(renamed);
    expect(again.plan.hasChanges).toBe(false);
  });

  it('a saved plan with a move passes the saved-plan check against the state before the move', async () => {
    const h = makeHarness();
    await h.apply(`resources:\n  fake_resource.a: { name: a }\n`);
    const { project, plan } = await h.plan(`resources:\n  fake_resource.b: { name: a }\nmoved:\n  - from: fake_resource.a\n    to: fake_resource.b\n`);
    const store = await h.openStore();
    expect(checkSavedPlan({ plan, file: 'p', stateAt: (a) => store.getResource(a), config: project.config })).toEqual([]);
    await store.close();
  });

  it('a removed block with destroy: false drops the entry and leaves the object alone', async () => {
    const h = makeHarness();
    await h.apply(`resources:\n  fake_resource.kept: { name: kept }\n  fake_resource.cloudflared: { name: cf }\n`);
    const id = (await h.openStore()).getResource('fake_resource.cloudflared')!.id;
    h.provider.calls.length = 0;
    const config = `resources:\n  fake_resource.kept: { name: kept }\nremoved:\n  - from: fake_resource.cloudflared\n    lifecycle: { destroy: false }\n`;
    const r = await h.apply(config);
    expect(r.diagnostics).toEqual([]);
    expect(r.counts).toMatchObject({ forgotten: 1, destroyed: 0 });
    expect(writes(h.provider.calls)).toEqual([]);
    expect(h.world.get(id)).toBeDefined();
    const store = await h.openStore();
    expect(store.getResource('fake_resource.cloudflared')).toBeUndefined();
    await store.close();
    expect((await h.plan(config)).plan.hasChanges).toBe(false);
  });

  it('an import records the object read again at apply, then updates it to match the config', async () => {
    const h = makeHarness();
    await h.apply(`resources:\n  fake_resource.docker: { name: docker, value: 1 }\n`);
    // hl forgets it: the object lives on, unmanaged
    const store = await h.openStore();
    const id = store.getResource('fake_resource.docker')!.id;
    await store.removeResource('fake_resource.docker');
    await store.checkpoint();
    await store.close();
    const found = (await h.provider.importResource({ type: 'fake_resource', id })).resource!;
    const imported = new Map([['fake_resource.docker', { id, attributes: found.state, sensitivePaths: [], loc: { file: 'main.yaml', line: 3, col: 5 } }]]);
    const config = `resources:\n  fake_resource.docker: { name: docker, value: 2 }\nimport:\n  - to: fake_resource.docker\n    id: ${id}\n`;
    h.provider.calls.length = 0;
    const r = await h.apply(config, { imported });
    expect(r.diagnostics).toEqual([]);
    expect(r.plan.changes[0]).toMatchObject({ action: 'update', importing: { id } });
    expect(r.counts).toMatchObject({ imported: 1, changed: 1, added: 0 });
    expect(h.provider.calls.filter((c) => c.phase === 'start').map((c) => c.method)).toEqual(['import', 'update']);
    const after = await h.openStore();
    expect(after.getResource('fake_resource.docker')).toMatchObject({ id, attributes: { value: 2 } });
    await after.close();
    // the import block stays in the config: the object is in state with that id, nothing to do
    expect((await h.plan(config)).plan.hasChanges).toBe(false);
  });
});
