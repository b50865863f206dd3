/**
 * Apply, then plan no change, whatever the PVE release and datacenter settings decide about
 * what is stored: containers privileged and unprivileged (and left out) on 8.4 and 9.1, the
 * create always sending `unprivileged`; capitalised tags on a VM and a container under the
 * default and the case-sensitive `tag-style`; a container nameserver / searchdomain list.
 * Each apply's result must match its plan (the executor's inconsistent-result check).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUnknown, isValueMap, type Attributes, type Value } from '../../src/core/value.js';
import { checkRequestsAfterAll } from './support/schema-check.js';
import { createResource, plan, startFixture, updateResource, type Fixture } from './support/provider-fixture.js';

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';

const CT: Attributes = {
  node: 'pve',
  hostname: 'dns',
  ostemplate: TEMPLATE,
  memory: 256,
  rootfs: { storage: 'local-lvm', size: '1G' },
  started: false,
};

const VM: Attributes = { node: 'pve', name: 'app', memory: 512, started: false };

/** The first path where a known planned value differs from the applied state. */
function mismatch(planned: Value, state: Value, path = ''): string | undefined {
  if (isUnknown(planned)) return undefined;
  if (isValueMap(planned) && isValueMap(state)) {
    for (const k of Object.keys(planned)) {
      const bad = mismatch(planned[k]!, state[k] ?? null, `${path}.${k}`);
      if (bad) return bad;
    }
    return undefined;
  }
  return JSON.stringify(planned) === JSON.stringify(state) ? undefined : `${path}: planned ${JSON.stringify(planned)}, got ${JSON.stringify(state)}`;
}

/** Plan, create, and check the result matches the plan and a fresh plan changes nothing. */
async function applyThenPlanNothing(f: Fixture, type: string, config: Attributes): Promise<{ id: string; state: Attributes }> {
  const p = plan(f, type, null, config);
  expect(p.problems).toEqual([]);
  const { id, state } = await createResource(f, type, config);
  expect(mismatch(p.planned, state)).toBeUndefined();
  const refreshed = await f.provider.read({ type, id, prior: state });
  expect(refreshed.state).toEqual(state);
  expect(plan(f, type, refreshed.state, config).planned).toEqual(state);
  return { id, state };
}

function lastCreateBody(f: Fixture): Record<string, string[]> | undefined {
  return f.providerRequests().findLast((r) => r.method === 'POST' && r.path === '/nodes/pve/lxc')?.body;
}

checkRequestsAfterAll();

describe.each(['8.4', '9.1'] as const)('PVE %s: containers apply and plan no change', (pveVersion) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture({ seed: 'empty', pveVersion });
  });
  afterAll(async () => {
    await f.stop();
  });

  const cases: { reason: string; config: Attributes; unprivileged: boolean; sent: string }[] = [
    { reason: 'privileged', config: { ...CT, unprivileged: false }, unprivileged: false, sent: '0' },
    { reason: 'unprivileged', config: { ...CT, unprivileged: true }, unprivileged: true, sent: '1' },
    { reason: 'unprivileged left out: unprivileged on every release', config: CT, unprivileged: true, sent: '1' },
  ];
  for (const c of cases) {
    it(c.reason, async () => {
      const { id, state } = await applyThenPlanNothing(f, 'proxmox_lxc', c.config);
      expect(state.unprivileged).toBe(c.unprivileged);
      expect(lastCreateBody(f)?.unprivileged).toEqual([c.sent]);
      await f.provider.delete({ type: 'proxmox_lxc', id, prior: state });
    });
  }

  it('keeps a multi-entry nameserver and searchdomain stable', async () => {
    const config = { ...CT, nameserver: '1.1.1.1,9.9.9.9', searchdomain: 'lan;home.arpa' };
    const { id, state } = await applyThenPlanNothing(f, 'proxmox_lxc', config);
    expect(state).toMatchObject({ nameserver: '1.1.1.1 9.9.9.9', searchdomain: 'lan home.arpa' });
    const { state: after } = await updateResource(f, 'proxmox_lxc', id, state, { ...config, nameserver: '1.1.1.1 8.8.8.8' });
    expect(after.nameserver).toBe('1.1.1.1 8.8.8.8');
    expect(plan(f, 'proxmox_lxc', after, { ...config, nameserver: '1.1.1.1;8.8.8.8' }).planned).toEqual(after);
    await f.provider.delete({ type: 'proxmox_lxc', id, prior: after });
  });
});

describe.each([
  { style: 'default', tagStyle: undefined, stored: 'dmz;prod' },
  { style: 'case-sensitive', tagStyle: 'case-sensitive=1', stored: 'DMZ;Prod' },
])('capitalised tags with the $style tag-style', ({ tagStyle, stored }) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture({ seed: 'empty' });
    if (tagStyle) await f.behindTheBack((api) => api.cluster.options.$put({ 'tag-style': tagStyle }));
  });
  afterAll(async () => {
    await f.stop();
  });

  for (const [type, base] of [['proxmox_vm', VM], ['proxmox_lxc', CT]] as const) {
    it(`${type}: apply, then no change; a change behind hl's back is seen`, async () => {
      const config = { ...base, tags: ['Prod', 'DMZ'] };
      const { id, state } = await applyThenPlanNothing(f, type, config);
      expect(state.tags).toEqual(['DMZ', 'Prod']);
      const vmid = state.vmid as number;
      expect(f.emu.world.guests[String(vmid)]?.config).toContain(`tags: ${stored}\n`);
      // Another set is written and read back in the config's spelling.
      const { state: updated } = await updateResource(f, type, id, state, { ...config, tags: ['Prod', 'DMZ', 'Web'] });
      expect(updated.tags).toEqual(['DMZ', 'Prod', 'Web']);
      await f.behindTheBack((api) => api.nodes.$('pve')[type === 'proxmox_vm' ? 'qemu' : 'lxc'].$(vmid).config.$put({ tags: 'prod' }));
      const drifted = await f.provider.read({ type, id, prior: updated });
      expect(drifted.state?.tags).toEqual(['prod']);
      await f.provider.delete({ type, id, prior: updated });
    });
  }
});
