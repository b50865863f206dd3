import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../src/core/value.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { change, makePlan, NESTED_SECRET, samplePlan, SECRET } from './plan-fixtures.js';

describe('renderPlanMarkdown', () => {
  it('renders a small plan exactly', () => {
    const plan = makePlan({
      changes: [
        change('proxmox_vm.web', 'update', { id: '101', memory: 1024, password: SECRET }, { id: '101', memory: 2048, password: NESTED_SECRET }, {
          beforeSensitive: [['password']],
          afterSensitive: [['password']],
        }),
        change('proxmox_lxc.dns', 'delete-create', { id: '200', ostemplate: 'debian-11' }, { id: UNKNOWN, ostemplate: 'debian-12' }, {
          reason: 'replace_because_cannot_update',
          replacePaths: [{ path: ['ostemplate'], reason: 'ostemplate cannot change in place' }],
        }),
      ],
      drift: [change('proxmox_vm.web', 'update', { id: '101', cores: 2 }, { id: '101', cores: 4 })],
    });
    const md = renderPlanMarkdown(plan, {
      policyResults: [
        { rule: 'max_changes', passed: true, message: 'at most 10 changes' },
        { rule: 'no_replace_protected', resource: 'proxmox_lxc.dns', passed: false, message: 'dns is protected | do not replace' },
      ],
    });
    expect(md).toBe(
      [
        '### Plan: 0 to add, 1 to change, 1 to replace, 0 to destroy',
        '',
        '⚠️ 1 resource has changed outside of hl since the last apply.',
        '',
        '> [!CAUTION]',
        '> This plan replaces 1 resource:',
        '> - ♻️ `proxmox_lxc.dns` is replaced (delete then create)',
        '',
        '| Action | Resource | Changed attributes |',
        '| --- | --- | --- |',
        '| ♻️ replace | `proxmox_lxc.dns` | `id`, `ostemplate` |',
        '| ✏️ update | `proxmox_vm.web` | `memory`, `password` |',
        '',
        '#### Replacements',
        '',
        '- `proxmox_lxc.dns` (delete then create): `ostemplate` forces replacement: ostemplate cannot change in place',
        '',
        '#### Changed outside of hl',
        '',
        '| Resource | Change | Attributes |',
        '| --- | --- | --- |',
        '| `proxmox_vm.web` | ⚠️ changed | `cores` |',
        '',
        '#### ❌ Policy: 1 failed, 1 passed',
        '',
        '| Result | Rule | Resource | Message |',
        '| --- | --- | --- | --- |',
        '| ❌ fail | `no_replace_protected` | `proxmox_lxc.dns` | dns is protected \\| do not replace |',
        '| ✅ pass | `max_changes` | — | at most 10 changes |',
        '',
        '#### Details',
        '',
        '<details open><summary>⚠️ <code>proxmox_vm.web</code> has changed outside of hl</summary>',
        '',
        '```diff',
        '~   resource "proxmox_vm" "web" {',
        '~       cores = 2 -> 4',
        '        # (1 unchanged attribute hidden)',
        '    }',
        '```',
        '',
        '</details>',
        '',
        '<details open><summary>♻️ <code>proxmox_lxc.dns</code> will be replaced (delete then create)</summary>',
        '',
        '```diff',
        '-/+ resource "proxmox_lxc" "dns" {',
        '~       id         = "200" -> (known after apply)',
        '~       ostemplate = "debian-11" -> "debian-12" # forces replacement: ostemplate cannot change in place',
        '    }',
        '```',
        '',
        '</details>',
        '',
        '<details open><summary>✏️ <code>proxmox_vm.web</code> will be updated in place</summary>',
        '',
        '```diff',
        '~   resource "proxmox_vm" "web" {',
        '~       memory   = 1024 -> 2048',
        '~       password = (sensitive value)',
        '        # (1 unchanged attribute hidden)',
        '    }',
        '```',
        '',
        '</details>',
        '',
      ].join('\n'),
    );
  });

  it('masks sensitive values and is deterministic for the full sample', () => {
    const policyResults = [{ rule: 'no_destroy', resource: 'kuma_monitor.old', passed: false, message: 'destroy refused' }];
    const md = renderPlanMarkdown(samplePlan(), { policyResults });
    expect(md).toBe(renderPlanMarkdown(samplePlan(), { policyResults }));
    expect(md).not.toContain(SECRET);
    expect(md).not.toContain(NESTED_SECRET);
    expect(md).not.toMatch(/\x1b\[/);
    expect(md).toContain('### Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy, 1 to read\n');
    expect(md).toContain('| ➕ create | `admin_token` | `(sensitive value)` |');
    expect(md).toContain('#### Warnings\n\n> **Warning:** proxmox_vm.k3s["pve"]: balloon is ignored when memory is fixed');
    // The full sample is long: its details start collapsed.
    expect(md).toContain('<details><summary>✏️ <code>proxmox_vm.k3s["pve"]</code> will be updated in place</summary>');
    expect(md).not.toContain('<details open>');
    // Line diffs keep YAML list items as context, not as removals.
    expect(md).toContain('\n-           owner: ops\n+           owner: platform\n');
  });

  it('says so when there are no changes', () => {
    const noop = change('proxmox_vm.x', 'no-op', { a: 1 }, { a: 1 });
    expect(renderPlanMarkdown(makePlan({ changes: [noop] }))).toBe('### No changes\n\nYour infrastructure matches the configuration.\n');
    const drift = change('proxmox_vm.x', 'update', { a: 1 }, { a: 2 });
    expect(renderPlanMarkdown(makePlan({ changes: [noop], drift: [drift] }))).toContain(
      '### No changes\n\nYour infrastructure matches the configuration.\nThe changes made outside of hl will be recorded in state on apply.\n\n#### Changed outside of hl',
    );
  });

  it('keeps heredoc content starting with "-" as context in the diff block', () => {
    const c = change('proxmox_vm.x', 'update', { user_data: 'packages:\n  - a\n  - b\n' }, { user_data: 'packages:\n  - a\n  - c\n' });
    const md = renderPlanMarkdown(makePlan({ changes: [c] }));
    expect(md).toContain(['~       user_data = <<-EOT', '            packages:', '              - a', '-             - b', '+             - c', '        EOT'].join('\n'));
  });

  it('leaves out per-resource diffs that would make the summary too long, and says so', () => {
    const changes = Array.from({ length: 50 }, (_, i) => change(`proxmox_vm.vm[${i}]`, 'update', { memory: 1024, name: `vm-${i}` }, { memory: 2048, name: `vm-${i}` }));
    const md = renderPlanMarkdown(makePlan({ changes }), { maxLength: 6000 });
    expect(md.length).toBeLessThanOrEqual(6000);
    expect(md).toContain('| ✏️ update | `proxmox_vm.vm[49]` | `memory` |');
    expect(md).toMatch(/_\d+ more diffs are left out to keep this summary short; `hl show PLAN_FILE` prints the whole plan._\n$/);
    expect(renderPlanMarkdown(makePlan({ changes }))).not.toContain('left out');
  });
});

describe('the Markdown plan for a pull request', () => {
  const mixed = () =>
    makePlan({
      changes: [
        change('proxmox_vm.a_new', 'create', null, { name: 'a' }),
        change('proxmox_vm.b_grown', 'update', { memory: 1 }, { memory: 2 }),
        change('proxmox_vm.c_gone', 'delete', { name: 'c' }, null),
        change('proxmox_lxc.d_rebuilt', 'create-delete', { ostemplate: 'x' }, { ostemplate: 'y' }),
        change('kuma_monitor.e_gone', 'delete', { name: 'e' }, null),
        change('data.maas_subnet.f', 'read', null, { cidr: '10.0.0.0/24' }),
      ],
    });

  it('groups the changes by action, destroys and replacements first, and calls them out', () => {
    const md = renderPlanMarkdown(mixed());
    const table = md.slice(md.indexOf('| Action |'), md.indexOf('\n\n', md.indexOf('| Action |')));
    expect(table.split('\n').slice(2)).toEqual([
      '| 🗑️ destroy | `kuma_monitor.e_gone` | — |',
      '| 🗑️ destroy | `proxmox_vm.c_gone` | — |',
      '| ♻️ replace | `proxmox_lxc.d_rebuilt` | `ostemplate` |',
      '| ✏️ update | `proxmox_vm.b_grown` | `memory` |',
      '| ➕ create | `proxmox_vm.a_new` | — |',
      '| 📖 read | `data.maas_subnet.f` | — |',
    ]);
    expect(md).toContain(
      [
        '> [!CAUTION]',
        '> This plan destroys 2 resources and replaces 1 resource:',
        '> - 🗑️ `kuma_monitor.e_gone` is destroyed',
        '> - 🗑️ `proxmox_vm.c_gone` is destroyed',
        '> - ♻️ `proxmox_lxc.d_rebuilt` is replaced (create before destroy)',
        '',
        '| Action |',
      ].join('\n'),
    );
    // the caution comes before the table, right after the heading
    expect(md.indexOf('[!CAUTION]')).toBeLessThan(md.indexOf('| Action |'));
    // the per-resource diffs follow the same order
    const order = ['kuma_monitor.e_gone', 'proxmox_vm.c_gone', 'proxmox_lxc.d_rebuilt', 'proxmox_vm.b_grown', 'proxmox_vm.a_new'].map((a) =>
      md.indexOf(`<code>${a}</code>`),
    );
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(renderPlanMarkdown(makePlan({ changes: [change('proxmox_vm.b', 'update', { m: 1 }, { m: 2 })] }))).not.toContain('CAUTION');
  });

  it('shows a failed policy of severity warning as a warning, not a failure, and keeps a message of several lines as written', () => {
    const md = renderPlanMarkdown(mixed(), {
      policyResults: [
        { rule: 'max-changes', passed: true, message: 'at most 10 changes', severity: 'error' },
        {
          rule: 'no-destroy',
          resource: 'kuma_monitor.e_gone',
          passed: false,
          message: 'monitors are kept on purpose\n  ask #ops first:\n    hl state rm kuma_monitor.e_gone',
          severity: 'warning',
        },
        { rule: 'no-destroy', resource: 'proxmox_vm.c_gone', passed: false, message: 'VMs are never destroyed', severity: 'error' },
      ],
    });
    expect(md).toContain(
      [
        '#### ❌ Policy: 1 failed, 1 warning, 1 passed',
        '',
        '| Result | Rule | Resource | Message |',
        '| --- | --- | --- | --- |',
        '| ❌ fail | `no-destroy` | `proxmox_vm.c_gone` | VMs are never destroyed |',
        '| ⚠️ warning | `no-destroy` | `kuma_monitor.e_gone` | monitors are kept on purpose (below) |',
        '| ✅ pass | `max-changes` | — | at most 10 changes |',
        '',
        '> **Warning:** `no-destroy` on `kuma_monitor.e_gone`',
        '>',
        '> monitors are kept on purpose',
        '>   ask #ops first:',
        '>     hl state rm kuma_monitor.e_gone',
      ].join('\n'),
    );
    const onlyWarning = renderPlanMarkdown(mixed(), {
      policyResults: [{ rule: 'no-destroy', resource: 'proxmox_vm.c_gone', passed: false, message: 'think twice', severity: 'warning' }],
    });
    expect(onlyWarning).toContain('#### ⚠️ Policy: 1 warning, 0 passed');
    expect(onlyWarning).toContain('| ⚠️ warning | `no-destroy` | `proxmox_vm.c_gone` | think twice |');
    expect(onlyWarning).not.toContain('fail');
  });
});

describe('a warning of several lines in the Markdown plan', () => {
  it('keeps every line inside the quote, its indented lines as code that can be pasted', () => {
    const noop = change('coral_passthrough.frigate', 'no-op', { a: 1 }, { a: 1 });
    const summary = 'coral_passthrough.frigate: add these lines on fun-bedbug to /etc/pve/lxc/113.conf:\n    lxc.cgroup2.devices.allow: c 189:* rwm\n    lxc.mount.entry: /dev/bus/usb dev/bus/usb none bind,optional,create=dir\nhl checks for the lines on every refresh.';
    const md = renderPlanMarkdown(makePlan({ changes: [noop], diagnostics: [{ severity: 'warning', summary }] }));
    expect(md).toContain(
      '> **Warning:** coral_passthrough.frigate: add these lines on fun-bedbug to /etc/pve/lxc/113.conf:\n>\n>     lxc.cgroup2.devices.allow: c 189:* rwm\n>     lxc.mount.entry: /dev/bus/usb dev/bus/usb none bind,optional,create=dir\n> hl checks for the lines on every refresh.',
    );
  });
});
