/**
 * Issue 14, item 12: the checks of a saved plan against the locked state and its own
 * configuration (src/apply/saved-plan-check.ts), and the plan file's integrity check
 * (src/plan/plan-codec.ts). Pure: no process, no files.
 */
import { describe, expect, it } from 'vitest';
import type { ResourceBlock } from '../../src/config/config-types.js';
import { checkSavedPlan } from '../../src/apply/saved-plan-check.js';
import { decodePlan, encodePlan, verifyPlanMac } from '../../src/plan/plan-codec.js';
import type { Plan, ResourceChange } from '../../src/plan/plan-types.js';
import type { ResourceState } from '../../src/state/state-types.js';
import { change, makePlan, samplePlan } from '../render/plan-fixtures.js';

function held(address: string, id: string, extra: Partial<ResourceState> = {}): ResourceState {
  const [type, name] = address.split('.') as [string, string];
  return { address, mode: 'managed', type, name, index: null, provider: type.split('_')[0]!, id, attributes: { id }, sensitivePaths: [], dependencies: [], status: 'ready', ...extra };
}

function block(address: string, extra: { preventDestroy?: boolean; provider?: string } = {}): ResourceBlock {
  const [type, name] = address.split('.') as [string, string];
  return {
    mode: 'managed',
    address,
    type,
    name,
    provider: extra.provider ?? type.split('_')[0]!,
    lifecycle: { preventDestroy: extra.preventDestroy ?? false, createBeforeDestroy: false, ignoreChanges: [], replaceTriggeredBy: [] },
  } as unknown as ResourceBlock;
}

function check(changes: ResourceChange[], state: ResourceState[], blocks: ResourceBlock[], extra: Partial<Plan> = {}): string {
  const byAddress = new Map(state.map((r) => [r.address, r]));
  const plan = makePlan({ changes, ...extra });
  const d = checkSavedPlan({ plan, file: 'p.plan', stateAt: (a) => byAddress.get(a), config: { resources: new Map(blocks.map((b) => [b.address, b])) } });
  return d.map((x) => x.summary).join('\n');
}

const CT = held('proxmox_lxc.ct', 'pve/lxc/120');

describe('checkSavedPlan', () => {
  it('accepts a plan that matches the state and its configuration', () => {
    const changes = [
      change('proxmox_lxc.ct', 'update', { id: 'pve/lxc/120' }, { id: 'pve/lxc/120', memory: 512 }),
      change('proxmox_lxc.fresh', 'create', null, { memory: 256 }),
      change('proxmox_lxc.old', 'delete', { id: 'pve/lxc/130' }, null),
    ];
    expect(check(changes, [CT, held('proxmox_lxc.old', 'pve/lxc/130')], [block('proxmox_lxc.ct'), block('proxmox_lxc.fresh')])).toBe('');
  });

  it('refuses a delete, update or replacement naming another object than state holds', () => {
    for (const action of ['delete', 'update', 'delete-create', 'create-delete'] as const) {
      const c = change('proxmox_lxc.ct', action, { id: 'pve/lxc/111' }, action === 'delete' ? null : { id: 'x' });
      expect(check([c], [CT], [block('proxmox_lxc.ct')])).toContain(`proxmox_lxc.ct (${action}): the plan names object "pve/lxc/111", but state holds "pve/lxc/120" there`);
    }
    expect(check([change('proxmox_lxc.gone', 'delete', { id: 'pve/lxc/111' }, null)], [], [])).toContain('state holds no object at proxmox_lxc.gone');
  });

  it('refuses a create at an address state holds, unless the plan found that object gone', () => {
    const create = change('proxmox_lxc.ct', 'create', null, { memory: 1 });
    expect(check([create], [CT], [block('proxmox_lxc.ct')])).toContain('proxmox_lxc.ct (create): state already holds object "pve/lxc/120"');
    expect(check([{ ...create, reason: 'create_because_gone' }], [CT], [block('proxmox_lxc.ct')])).toBe('');
  });

  it('refuses a change whose type or provider differs from state or configuration', () => {
    const c = change('proxmox_lxc.ct', 'update', { id: 'pve/lxc/120' }, { id: 'pve/lxc/120' }, { provider: 'proxmox.other' });
    const msg = check([c], [CT], [block('proxmox_lxc.ct')]);
    expect(msg).toContain('state manages it through provider proxmox, not proxmox.other');
    expect(msg).toContain('the configuration gives it provider proxmox, not proxmox.other');
    expect(check([change('proxmox_lxc.new', 'create', null, {})], [], [])).toContain("the plan's configuration declares no proxmox_lxc.new");
    expect(check([{ ...change('proxmox_lxc.ct', 'update', { id: 'pve/lxc/120' }, {}), address: 'proxmox_vm.ct' }], [CT], [])).toContain('its address does not match');
  });

  it('refuses destroying or replacing what prevent_destroy protects, from config or kept in state', () => {
    const del = change('proxmox_lxc.ct', 'delete', { id: 'pve/lxc/120' }, null);
    expect(check([del], [CT], [block('proxmox_lxc.ct', { preventDestroy: true })])).toContain('it has lifecycle.prevent_destroy, but the plan would destroy it');
    expect(check([del], [{ ...CT, preventDestroy: true }], [])).toContain('it has lifecycle.prevent_destroy (kept in state), but the plan would destroy it');
    const replace = change('proxmox_lxc.ct', 'delete-create', { id: 'pve/lxc/120' }, {});
    expect(check([replace], [CT], [block('proxmox_lxc.ct', { preventDestroy: true })])).toContain('but the plan would replace it');
  });

  it('refuses drift about another object than state holds (accepting it would rewrite or forget the entry)', () => {
    const gone = change('proxmox_lxc.ct', 'delete', { id: 'pve/lxc/111' }, null);
    expect(check([], [CT], [], { drift: [gone] })).toContain('proxmox_lxc.ct (drift): the plan names object "pve/lxc/111", but state holds "pve/lxc/120" there');
    expect(check([], [CT], [], { drift: [{ ...gone, id: 'pve/lxc/120' }] })).toBe('');
  });

  it('refuses a deposed delete that state does not record', () => {
    const deposed = [{ address: 'proxmox_lxc.ct', key: '1a2b3c4d', type: 'proxmox_lxc', provider: 'proxmox', id: 'pve/lxc/111', before: {}, beforeSensitive: [] }];
    const withDeposed = { ...CT, deposed: [{ key: '1a2b3c4d', id: 'pve/lxc/119', attributes: {}, sensitivePaths: [] }] };
    expect(check([], [withDeposed], [], { deposed })).toContain('the plan names "pve/lxc/111", but state records "pve/lxc/119"');
    expect(check([], [CT], [], { deposed })).toContain('state holds no such deposed object');
    expect(check([], [withDeposed], [], { deposed: [{ ...deposed[0]!, id: 'pve/lxc/119' }] })).toBe('');
  });
});

describe('the saved plan integrity check', () => {
  const key = Buffer.alloc(32, 7);
  it('accepts the file as written, and refuses any edit, another key, no key and no check', () => {
    const text = encodePlan(samplePlan(), key);
    expect(verifyPlanMac(text, 'p.plan', key, 'k')).toBeUndefined();
    expect(decodePlan(text, 'p.plan').plan).not.toHaveProperty('mac');
    // reformatting is not an edit: the check is over the canonical content
    expect(verifyPlanMac(JSON.stringify(JSON.parse(text)), 'p.plan', key, 'k')).toBeUndefined();
    const edited = JSON.parse(text) as { changes: { id: string | null }[] };
    edited.changes[0]!.id = 'pve/lxc/111';
    expect(verifyPlanMac(JSON.stringify(edited), 'p.plan', key, 'k')?.summary).toBe(
      'Saved plan p.plan was changed after "hl plan" wrote it (or was made with another state\'s key): its integrity check does not match',
    );
    expect(verifyPlanMac(text, 'p.plan', Buffer.alloc(32, 8), 'k')?.summary).toContain('was changed after "hl plan" wrote it');
    expect(verifyPlanMac(text, 'p.plan', undefined, 'x.plankey')?.summary).toContain('there is no plan key x.plankey beside this state');
    expect(verifyPlanMac(encodePlan(samplePlan()), 'p.plan', key, 'k')?.summary).toContain('carries no integrity check');
    expect(text).not.toContain(key.toString('hex'));
  });
});
