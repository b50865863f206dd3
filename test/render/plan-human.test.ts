import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../src/core/value.js';
import { decodePlan, encodePlan } from '../../src/plan/plan-codec.js';
import type { ResourceChange } from '../../src/plan/plan-types.js';
import { renderPlanHuman } from '../../src/render/plan-human.js';
import { change, k3sPve, makePlan, NESTED_SECRET, samplePlan, SECRET } from './plan-fixtures.js';

const ANSI = /\x1b\[/;

function human(...changes: ResourceChange[]): string {
  return renderPlanHuman(makePlan({ changes }), { color: false });
}

describe('renderPlanHuman', () => {
  it('shows an update with only the changed attributes, nested maps, a sensitive nested value, a line diff and a note', () => {
    const plan = samplePlan();
    const update = plan.changes.find((c) => c.address === 'proxmox_vm.k3s["pve"]')!;
    expect(human(update)).toBe(
      [
        'hl will perform the following actions:',
        '',
        '  # proxmox_vm.k3s["pve"] will be updated in place',
        '  # note: memory change needs a reboot (reboot policy: never)',
        '  ~ resource "proxmox_vm" "k3s" {',
        '      ~ cloud_init  = {',
        '          ~ password = (sensitive value)',
        '            # (1 unchanged attribute hidden)',
        '        }',
        '      ~ description = <<-EOT',
        '            k3s server',
        '            managed by hl',
        '          - owner: ops',
        '          + owner: platform',
        '        EOT',
        '      ~ memory      = 4096 -> 8192',
        '      ~ networks    = {',
        '          ~ net0 = {',
        '              ~ bridge = "vmbr0" -> "vmbr2"',
        '                # (2 unchanged attributes hidden)',
        '            }',
        '            # (1 unchanged attribute hidden)',
        '        }',
        '        # (6 unchanged attributes hidden)',
        '    }',
        '',
        'Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy.',
        '',
      ].join('\n'),
    );
  });

  it('shows a create with every non-null attribute, unknowns and a top-level sensitive value', () => {
    const create = samplePlan().changes.find((c) => c.action === 'create')!;
    expect(human(create)).toBe(
      [
        'hl will perform the following actions:',
        '',
        '  # proxmox_vm.k3s["pumped-piglet"] will be created',
        '  + resource "proxmox_vm" "k3s" {',
        '      + id     = (known after apply)',
        '      + ipv4   = (known after apply)',
        '      + memory = 16384',
        '      + name   = "k3s-vm-pumped-piglet"',
        '      + node   = "pumped-piglet"',
        '      + token  = (sensitive value)',
        '      + vmid   = 120',
        '    }',
        '',
        'Plan: 1 to add, 0 to change, 0 to replace, 0 to destroy.',
        '',
      ].join('\n'),
    );
  });

  it('shows nested blocks, lists and multi-line strings of a create in full', () => {
    const create = change('proxmox_vm.web', 'create', null, {
      networks: { net0: { bridge: 'vmbr0' } },
      tags: ['a', 'b'],
      empty: {},
      user_data: '#cloud-config\npackages:\n  - nginx\n',
    });
    expect(human(create)).toContain(
      [
        '  + resource "proxmox_vm" "web" {',
        '      + empty     = {}',
        '      + networks  = {',
        '          + net0 = {',
        '              + bridge = "vmbr0"',
        '            }',
        '        }',
        '      + tags      = [',
        '          + "a",',
        '          + "b",',
        '        ]',
        '      + user_data = <<-EOT',
        '            #cloud-config',
        '            packages:',
        '              - nginx',
        '        EOT',
        '    }',
      ].join('\n'),
    );
  });

  it('shows a replacement with its order, the attribute forcing it and unknown computed values', () => {
    const replace = samplePlan().changes.find((c) => c.action === 'delete-create')!;
    expect(human(replace)).toBe(
      [
        'hl will perform the following actions:',
        '',
        '  # proxmox_lxc.dns will be replaced (delete then create)',
        '-/+ resource "proxmox_lxc" "dns" {',
        '      ~ id         = "pve/lxc/200" -> (known after apply)',
        '      ~ ostemplate = "debian-11" -> "debian-12" # forces replacement: ostemplate cannot change in place',
        '        # (3 unchanged attributes hidden)',
        '    }',
        '',
        'Plan: 0 to add, 0 to change, 1 to replace, 0 to destroy.',
        '',
      ].join('\n'),
    );
  });

  it('states why a replacement was forced when no attribute forces it', () => {
    const tainted = change('proxmox_vm.db', 'create-delete', { id: 'a', memory: 1 }, { id: UNKNOWN, memory: 1 }, { reason: 'replace_because_tainted' });
    const out = human(tainted);
    expect(out).toContain('  # proxmox_vm.db will be replaced (create before destroy)\n  # (it is tainted, so it must be replaced)\n+/- resource "proxmox_vm" "db" {');
    expect(out).toContain('Plan: 0 to add, 0 to change, 1 to replace, 0 to destroy.');
  });

  it('keeps a forcing path it could not attach to a line as a comment in the block', () => {
    const c = change('proxmox_vm.db', 'delete-create', { id: 'a', disk: { size: 10 } }, { id: 'a', disk: UNKNOWN }, {
      replacePaths: [{ path: ['disk', 'size'], reason: 'disks cannot shrink' }],
      reason: 'replace_because_cannot_update',
    });
    expect(human(c)).toContain(
      [
        '      ~ disk = {',
        '          - size = 10',
        '        } -> (known after apply)',
        '        # (1 unchanged attribute hidden)',
        '        # forces replacement: disk.size: disks cannot shrink',
        '    }',
      ].join('\n'),
    );
  });

  it('shows a destroy tightly: identifying attributes, the rest counted, and the reason', () => {
    const destroy = samplePlan().changes.find((c) => c.action === 'delete')!;
    expect(human(destroy)).toBe(
      [
        'hl will perform the following actions:',
        '',
        '  # kuma_monitor.old will be destroyed',
        '  # (because kuma_monitor.old is not in the configuration)',
        '  - resource "kuma_monitor" "old" {',
        '      - id   = "17" -> null',
        '      - name = "old-api" -> null',
        '        # (2 attributes hidden)',
        '    }',
        '',
        'Plan: 0 to add, 0 to change, 0 to replace, 1 to destroy.',
        '',
      ].join('\n'),
    );
  });

  it('shows a data source read during apply', () => {
    const read = samplePlan().changes.find((c) => c.action === 'read')!;
    expect(human(read)).toContain(
      [
        '  # data.maas_machine.gpu will be read during apply',
        '  # (config refers to values not yet known)',
        ' <= data "maas_machine" "gpu" {',
        '      + hostname  = "gpu"',
        '      + system_id = (known after apply)',
        '    }',
      ].join('\n'),
    );
  });

  it('renders the whole sample: drift apart, changes sorted by address, summary, outputs, warnings', () => {
    const out = renderPlanHuman(samplePlan(), { color: false });
    const at = (s: string): number => {
      const i = out.indexOf(s);
      expect(i, s).toBeGreaterThanOrEqual(0);
      return i;
    };
    expect(at('Objects have changed outside of hl since the last apply:')).toBe(0);
    expect(out).toContain(
      ['  # kuma_monitor.gone has been deleted', '  - resource "kuma_monitor" "gone" {', '      - id   = "9" -> null', '      - name = "gone-monitor" -> null', '        # (1 attribute hidden)', '    }'].join('\n'),
    );
    expect(out).toContain(['  # proxmox_vm.k3s["pve"] has changed', '  ~ resource "proxmox_vm" "k3s" {', '      ~ cores = 4 -> 6', '        # (8 unchanged attributes hidden)', '    }'].join('\n'));
    const order = [
      'hl will perform the following actions:',
      '# data.maas_machine.gpu',
      '# kuma_monitor.old',
      '# proxmox_lxc.dns',
      '# proxmox_vm.k3s["pumped-piglet"]',
      '# proxmox_vm.k3s["pve"] will',
      'Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy.',
      'Changes to Outputs:',
      'Warning: proxmox_vm.k3s["pve"]: balloon is ignored when memory is fixed',
    ].map(at);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(out).not.toContain('still');
    expect(out).toContain(
      [
        'Changes to Outputs:',
        '  + admin_token = (sensitive value)',
        '  + gpu_ip      = (known after apply)',
        '  ~ k3s_names   = [',
        '      + "k3s-vm-pumped-piglet",',
        '        # (1 unchanged element hidden)',
        '    ]',
      ].join('\n'),
    );
    expect(out).toContain(['  on homelab.yaml:3:5', '    3 |     balloon: 0', '      |     ^'].join('\n'));
    expect(out.endsWith('\n')).toBe(true);
  });

  it('never prints a sensitive value, at top level or nested, in colour or not', () => {
    for (const color of [false, true]) {
      const out = renderPlanHuman(samplePlan(), { color });
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain(NESTED_SECRET);
    }
  });

  it('masks a whole sensitive map and sensitive list elements', () => {
    const c = change(
      'proxmox_vm.x',
      'update',
      { cloud_init: { password: SECRET }, keys: ['pub', SECRET], note: 'a' },
      { cloud_init: { password: `${SECRET}2` }, keys: ['pub', `${SECRET}3`], note: `${SECRET}\nline` },
      { beforeSensitive: [['cloud_init'], ['keys', 1]], afterSensitive: [['cloud_init'], ['keys', 1], ['note']] },
    );
    const out = human(c);
    expect(out).not.toContain(SECRET);
    expect(out).toContain('      ~ cloud_init = (sensitive value)\n');
    expect(out).toContain('      ~ keys       = [\n          ~ (sensitive value),\n            # (1 unchanged element hidden)\n        ]');
    expect(out).toContain('      ~ note       = (sensitive value)\n');
  });

  it('masks REDACTED placeholders of a decoded saved plan', () => {
    const decoded = decodePlan(encodePlan(samplePlan()), 'plan.hlplan');
    expect(decoded.diagnostics).toEqual([]);
    const out = renderPlanHuman(decoded.plan!, { color: false });
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(NESTED_SECRET);
    expect(out).toContain('      + token  = (sensitive value)');
    expect(out).toContain('  + admin_token = (sensitive value)');
  });

  it('diffs lists: by position when the length is kept, by common subsequence otherwise', () => {
    const same = change('proxmox_vm.x', 'update', { tags: ['a', 'b', 'c'] }, { tags: ['a', 'x', 'c'] });
    expect(human(same)).toContain('      ~ tags = [\n          ~ "b" -> "x",\n            # (2 unchanged elements hidden)\n        ]');
    const grown = change('proxmox_vm.x', 'update', { tags: ['a', 'b', 'c'] }, { tags: ['a', 'c', 'd', 'e'] });
    expect(human(grown)).toContain('      ~ tags = [\n          - "b",\n          + "d",\n          + "e",\n            # (2 unchanged elements hidden)\n        ]');
  });

  it('shows added and removed attributes, and an unknown replacing a map', () => {
    const c = change('proxmox_vm.x', 'update', { gone: 'old', net: { a: 1 }, keep: 1 }, { added: { b: true }, net: UNKNOWN, keep: 1 });
    expect(human(c)).toContain(
      [
        '  ~ resource "proxmox_vm" "x" {',
        '      + added = {',
        '          + b = true',
        '        }',
        '      - gone  = "old" -> null',
        '      ~ net   = {',
        '          - a = 1',
        '        } -> (known after apply)',
        '        # (1 unchanged attribute hidden)',
        '    }',
      ].join('\n'),
    );
  });

  it('folds long unchanged runs of a multi-line string to a little context', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const after = [...lines];
    after[9] = 'line 10 changed';
    const c = change('proxmox_vm.x', 'update', { user_data: lines.join('\n') + '\n' }, { user_data: after.join('\n') + '\n' });
    expect(human(c)).toContain(
      [
        '      ~ user_data = <<-EOT',
        '            # (7 unchanged lines hidden)',
        '            line 8',
        '            line 9',
        '          - line 10',
        '          + line 10 changed',
        '            line 11',
        '            line 12',
        '            # (8 unchanged lines hidden)',
        '        EOT',
      ].join('\n'),
    );
  });

  it('says when there is nothing to do, and that drift will be recorded', () => {
    const noop = change('proxmox_vm.x', 'no-op', { a: 1 }, { a: 1 });
    expect(renderPlanHuman(makePlan({ changes: [noop] }), { color: false })).toBe('No changes. Your infrastructure matches the configuration.\n');
    const drift = change('proxmox_vm.x', 'update', { a: 1 }, { a: 2 });
    const out = renderPlanHuman(makePlan({ changes: [noop], drift: [drift] }), { color: false });
    expect(out).toBe(
      [
        'Objects have changed outside of hl since the last apply:',
        '',
        '  # proxmox_vm.x has changed',
        '  ~ resource "proxmox_vm" "x" {',
        '      ~ a = 1 -> 2',
        '    }',
        '',
        'No changes. Your infrastructure matches the configuration.',
        '',
        'The changes made outside of hl shown above will be recorded in state on apply.',
        '',
      ].join('\n'),
    );
  });

  it('shows output-only changes without a Plan line', () => {
    const out = renderPlanHuman(
      makePlan({ changes: [], outputChanges: [{ name: 'ip', action: 'update', before: '10.0.0.1', after: '10.0.0.2', sensitive: false }] }),
      { color: false },
    );
    expect(out).toBe(
      [
        'Changes to Outputs:',
        '  ~ ip = "10.0.0.1" -> "10.0.0.2"',
        '',
        'You can apply this plan to save the new output values in state, without changing any real infrastructure.',
        '',
      ].join('\n'),
    );
  });

  it('emits ANSI colours only when asked', () => {
    const plain = renderPlanHuman(samplePlan(), { color: false });
    const colored = renderPlanHuman(samplePlan(), { color: true });
    expect(plain).not.toMatch(ANSI);
    expect(colored).toMatch(ANSI);
    expect(colored).toContain('\x1b[32m+\x1b[39m');
    expect(colored).toContain('\x1b[33m~\x1b[39m');
    expect(colored).toContain('\x1b[31m-\x1b[39m/\x1b[32m+\x1b[39m');
    expect(colored).toContain('\x1b[36m<=\x1b[39m');
    expect(colored.replace(/\x1b\[\d+m/g, '')).toBe(plain);
  });

  it('renders a 10,000-resource plan with no changes as the one-line summary', () => {
    const changes = Array.from({ length: 10_000 }, (_, i) => change(`proxmox_vm.vm[${i}]`, 'no-op', { ...k3sPve, vmid: i }, { ...k3sPve, vmid: i }));
    const plan = makePlan({ changes });
    const out = renderPlanHuman(plan, { color: false });
    expect(out).toBe('No changes. Your infrastructure matches the configuration.\n');
  });

  it('renders a plan too large for one spread of its lines (10,000 resources created)', () => {
    const changes = Array.from({ length: 10_000 }, (_, i) => change(`proxmox_vm.vm[${i}]`, 'create', null, { ...k3sPve, vmid: i }));
    const out = renderPlanHuman(makePlan({ changes }), { color: false });
    expect(out).toContain('Plan: 10000 to add, 0 to change, 0 to replace, 0 to destroy.');
  });
});
