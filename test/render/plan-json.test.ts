import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { error } from '../../src/core/diagnostic.js';
import { UNKNOWN } from '../../src/core/value.js';
import { decodePlan, encodePlan } from '../../src/plan/plan-codec.js';
import { planToShowJson, type ShowJsonPlan } from '../../src/render/plan-json.js';
import { change, makePlan, NESTED_SECRET, samplePlan, SECRET } from './plan-fixtures.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/plan-json.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

function expectValid(doc: unknown): void {
  const ok = validate(doc);
  expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
  expect(ok).toBe(true);
}

function roundTrip(doc: ShowJsonPlan): ShowJsonPlan {
  return JSON.parse(JSON.stringify(doc)) as ShowJsonPlan;
}

describe('planToShowJson', () => {
  it('validates against schemas/plan-json.schema.json, fresh and from a saved plan', () => {
    expectValid(roundTrip(planToShowJson(samplePlan(), '0.1.0')));
    expectValid(roundTrip(planToShowJson(samplePlan(), '0.1.0', { timestamp: '2025-01-02T03:04:05Z' })));
    const decoded = decodePlan(encodePlan(samplePlan()), 'plan.hlplan').plan!;
    expectValid(roundTrip(planToShowJson(decoded, '0.1.0')));
    expectValid(roundTrip(planToShowJson(makePlan({ changes: [] }), '0.1.0')));
  });

  it('lists a deposed object\'s delete as its own entry with "deposed", valid against the schema', () => {
    const deposed = {
      address: 'proxmox_vm.k3s["pve"]',
      key: '1a2b3c4d',
      type: 'proxmox_vm',
      provider: 'proxmox',
      id: 'pve/170',
      before: { name: 'k3s-old', vmid: 170, password: SECRET },
      beforeSensitive: [['password']],
    };
    const doc = planToShowJson(makePlan({ changes: [], deposed: [deposed] }), '0.1.0');
    expectValid(roundTrip(doc));
    expect(doc.resource_changes).toEqual([
      expect.objectContaining({
        address: 'proxmox_vm.k3s["pve"]',
        deposed: '1a2b3c4d',
        index: 'pve',
        action_reason: 'delete_because_deposed',
        change: expect.objectContaining({ actions: ['delete'], after: null, before_sensitive: { password: true } }),
      }),
    ]);
    expect(JSON.stringify(doc)).not.toContain(SECRET);
  });

  it('has the top-level keys of terraform show -json', () => {
    const doc = planToShowJson(samplePlan(), '0.2.0', { timestamp: '2025-01-02T03:04:05Z' });
    expect(Object.keys(doc)).toEqual([
      'format_version',
      'terraform_version',
      'hl_version',
      'timestamp',
      'variables',
      'planned_values',
      'resource_drift',
      'resource_changes',
      'output_changes',
      'prior_state',
      'applyable',
      'complete',
      'errored',
    ]);
    expect(doc.format_version).toBe('1.2');
    expect(doc.hl_version).toBe('0.2.0');
    expect(doc.terraform_version).toBe('1.9.0');
    expect(doc).toMatchObject({ applyable: true, complete: true, errored: false });
    expect(planToShowJson(samplePlan(), '0.2.0')).not.toHaveProperty('timestamp');
  });

  it("uses Terraform's action arrays and reasons", () => {
    const doc = planToShowJson(samplePlan(), '0.1.0');
    const actions = Object.fromEntries(doc.resource_changes.map((c) => [c.address, c.change.actions]));
    expect(actions).toEqual({
      'proxmox_vm.k3s["still"]': ['no-op'],
      'proxmox_vm.k3s["pve"]': ['update'],
      'proxmox_vm.k3s["pumped-piglet"]': ['create'],
      'proxmox_lxc.dns': ['delete', 'create'],
      'kuma_monitor.old': ['delete'],
      'data.maas_machine.gpu': ['read'],
    });
    const cbd = planToShowJson(makePlan({ changes: [change('proxmox_vm.a', 'create-delete', { id: 'a' }, { id: UNKNOWN }, { reason: 'replace_by_request' })] }), 'x');
    expect(cbd.resource_changes[0]).toMatchObject({ action_reason: 'replace_by_request', change: { actions: ['create', 'delete'] } });
    const dns = doc.resource_changes.find((c) => c.address === 'proxmox_lxc.dns')!;
    expect(dns.action_reason).toBe('replace_because_cannot_update');
    expect(dns.change.replace_paths).toEqual([['ostemplate']]);
    expect(doc.resource_drift.map((c) => [c.address, c.change.actions])).toEqual([
      ['proxmox_vm.k3s["pve"]', ['update']],
      ['kuma_monitor.gone', ['delete']],
    ]);
    expect(doc.resource_changes[1]).toMatchObject({ mode: 'managed', type: 'proxmox_vm', name: 'k3s', index: 'pve', provider_name: 'proxmox' });
    expect(dns).not.toHaveProperty('index');
  });

  it('removes unknowns from after and mirrors them in after_unknown', () => {
    const c = change('proxmox_vm.web', 'create', null, {
      name: 'web',
      id: UNKNOWN,
      networks: { net0: { bridge: 'vmbr0', mac: UNKNOWN }, net1: { bridge: 'vmbr1' } },
      ips: ['10.0.0.1', UNKNOWN],
      disks: UNKNOWN,
    });
    const rc = planToShowJson(makePlan({ changes: [c] }), 'x').resource_changes[0]!;
    expect(rc.change.after).toEqual({ name: 'web', networks: { net0: { bridge: 'vmbr0' }, net1: { bridge: 'vmbr1' } }, ips: ['10.0.0.1', null] });
    expect(rc.change.after_unknown).toEqual({ id: true, networks: { net0: { mac: true }, net1: {} }, ips: [false, true], disks: true });
    expect(rc.change.before).toBeNull();
    expect(rc.change.before_sensitive).toBe(false);
  });

  it('gives {} for a wholly known after and false/{} for the missing side of a delete', () => {
    const doc = planToShowJson(samplePlan(), '0.1.0');
    const update = doc.resource_changes.find((c) => c.address === 'proxmox_vm.k3s["pve"]')!;
    expect(update.change.after_unknown).toEqual({});
    const del = doc.resource_changes.find((c) => c.address === 'kuma_monitor.old')!;
    expect(del.change).toMatchObject({ after: null, after_unknown: {}, after_sensitive: false, before_sensitive: {} });
  });

  it('replaces sensitive values by null and marks them in the *_sensitive trees', () => {
    const c = change(
      'proxmox_vm.x',
      'update',
      { cloud_init: { user: 'u', password: SECRET }, keys: ['pub', SECRET], token: SECRET },
      { cloud_init: { user: 'u', password: NESTED_SECRET }, keys: ['pub', NESTED_SECRET], token: NESTED_SECRET },
      { beforeSensitive: [['cloud_init', 'password'], ['keys', 1], ['token']], afterSensitive: [['cloud_init', 'password'], ['keys', 1], ['token']] },
    );
    const doc = planToShowJson(makePlan({ changes: [c] }), 'x');
    const rc = doc.resource_changes[0]!;
    expect(rc.change.before).toEqual({ cloud_init: { user: 'u', password: null }, keys: ['pub', null], token: null });
    expect(rc.change.after_sensitive).toEqual({ cloud_init: { password: true }, keys: [false, true], token: true });
    expect(rc.change.before_sensitive).toEqual(rc.change.after_sensitive);
    expect(doc.planned_values.root_module.resources[0]!.sensitive_values).toEqual(rc.change.after_sensitive);
    const text = JSON.stringify(doc);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(NESTED_SECRET);
  });

  it('never prints a secret: sample plan, saved plan, sensitive variables and outputs', () => {
    const plan = samplePlan();
    for (const doc of [planToShowJson(plan, 'x'), planToShowJson(decodePlan(encodePlan(plan), 'p').plan!, 'x')]) {
      const text = JSON.stringify(doc);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(NESTED_SECRET);
    }
    const doc = planToShowJson(plan, 'x');
    expect(doc.variables).toEqual({ domain: { value: 'maas' } });
    expect(doc.output_changes['admin_token']).toEqual({
      actions: ['create'],
      before: null,
      after: null,
      after_unknown: false,
      before_sensitive: true,
      after_sensitive: true,
    });
    expect(doc.output_changes['gpu_ip']).toMatchObject({ after: null, after_unknown: true });
    expect(Object.keys(doc.output_changes)).toEqual(['admin_token', 'gpu_ip', 'k3s_names']);
    expect(doc.planned_values.outputs).toEqual({
      admin_token: { sensitive: true },
      gpu_ip: { sensitive: false },
      k3s_names: { sensitive: false, value: ['k3s-vm-pve', 'k3s-vm-pumped-piglet'] },
    });
  });

  it('lists planned values for everything that exists after apply, and the prior state', () => {
    const doc = planToShowJson(samplePlan(), 'x');
    expect(doc.planned_values.root_module.resources.map((r) => r.address)).toEqual([
      'proxmox_vm.k3s["still"]',
      'proxmox_vm.k3s["pve"]',
      'proxmox_vm.k3s["pumped-piglet"]',
      'proxmox_lxc.dns',
      'data.maas_machine.gpu',
    ]);
    expect(doc.prior_state.values.root_module.resources.map((r) => r.address)).toEqual(['proxmox_vm.k3s["still"]', 'proxmox_vm.k3s["pve"]', 'proxmox_lxc.dns', 'kuma_monitor.old']);
  });

  it('is not applyable when errored, and not complete when targeted', () => {
    const plan = samplePlan();
    expect(planToShowJson({ ...plan, diagnostics: [error('boom')] }, 'x')).toMatchObject({ applyable: false, errored: true, complete: false });
    expect(planToShowJson({ ...plan, options: { ...plan.options, targets: ['proxmox_vm.k3s'] } }, 'x')).toMatchObject({ applyable: true, complete: false });
    expect(planToShowJson(makePlan({ changes: [change('a_b.c', 'no-op', { a: 1 }, { a: 1 })] }), 'x').applyable).toBe(false);
  });

  it('has a schema strict enough to catch mistakes', () => {
    const good = roundTrip(planToShowJson(samplePlan(), 'x'));
    const bad = (mutate: (d: Record<string, any>) => void): boolean => {
      const d = structuredClone(good) as Record<string, any>;
      mutate(d);
      return validate(d) as boolean;
    };
    expect(bad(() => {})).toBe(true);
    expect(bad((d) => delete d['resource_changes'])).toBe(false);
    expect(bad((d) => (d['format_version'] = '1.0'))).toBe(false);
    expect(bad((d) => delete d['terraform_version'])).toBe(false);
    expect(bad((d) => delete d['prior_state'])).toBe(false);
    expect(bad((d) => (d['relevant_attributes'] = [{ resource: 'a_b.c', attribute: 'id' }]))).toBe(false);
    expect(bad((d) => (d['configuration'] = { root_module: { resources: [] } }))).toBe(false);
    expect(bad((d) => (d['resource_changes'][0].change.actions = ['replace']))).toBe(false);
    expect(bad((d) => (d['resource_changes'][0].change.actions = ['create', 'create']))).toBe(false);
    expect(bad((d) => delete d['resource_changes'][0].change.after_unknown)).toBe(false);
    expect(bad((d) => (d['resource_changes'][0].action_reason = 'because'))).toBe(false);
    expect(bad((d) => (d['resource_changes'][0].change.after_unknown = 'yes'))).toBe(false);
    expect(bad((d) => (d['resource_changes'][2].change.before = { id: 'x' }))).toBe(false); // a create has no before
    expect(bad((d) => (d['resource_changes'][4].change.after = { id: 'x' }))).toBe(false); // a delete has no after
    expect(bad((d) => (d['resource_changes'][0].address = 'not an address'))).toBe(false);
    expect(bad((d) => (d['output_changes']['gpu_ip'].actions = ['read']))).toBe(false);
    expect(bad((d) => (d['variables']['domain'] = 'maas'))).toBe(false);
  });
});

describe('decodePlan of an edited or damaged plan', () => {
  it('refuses a change missing one of its fields, naming it', () => {
    const text = JSON.parse(encodePlan(samplePlan())) as { changes: Record<string, unknown>[] };
    delete text.changes[0]!['dependencies'];
    const r = decodePlan(JSON.stringify(text), 'edited.plan');
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics[0]!.summary).toBe('edited.plan is a damaged hl plan: change 1 is malformed');
  });
});
