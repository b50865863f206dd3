/**
 * Custom conditions from a real `hl` process against the fake provider: a precondition known
 * false stops `hl plan` with exit 1 and its message at file:line:col; a failed check block is a
 * warning beside a plan that is still made (exit 0), listed under "Checks:", and evaluated
 * again after apply.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

const CONFIG = `variables:
  memory: { type: number, default: 1024 }
resources:
  fake_resource.k3s:
    name: k3s
    value: \${var.memory}
    lifecycle:
      precondition:
        - condition: \${var.memory >= 2048}
          error_message: k3s needs at least 2 GB
checks:
  k3s_named:
    assert:
      condition: \${fake_resource.k3s.name == "k8s"}
      error_message: the k3s VM is not named k8s
  k3s_id:
    assert: { condition: "\${fake_resource.k3s.id != \\"\\"}", error_message: no id }
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hl-conditions-'));
  writeFileSync(join(dir, 'homelab.yaml'), CONFIG);
});

describe('conditions and checks from the CLI', () => {
  it('a precondition known false stops hl plan: exit 1, the message at file:line:col', async () => {
    const r = await runHl(['plan', '--no-color'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      [
        'Error: fake_resource.k3s: precondition failed: k3s needs at least 2 GB',
        '',
        '  on homelab.yaml:9:22',
        '    9 |         - condition: ${var.memory >= 2048}',
      ].join('\n'),
    );
    expect(r.stdout).not.toContain('Plan:');
  });

  it('a failed check only warns: the plan is made (exit 0), its Checks section says which failed and which wait for apply', async () => {
    const r = await runHl(['plan', '--no-color', '--var', 'memory=4096'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Plan: 1 to add, 0 to change, 0 to replace, 0 to destroy.');
    expect(r.stdout).toContain(
      [
        'Checks:',
        '  check.k3s_named: failed: the k3s VM is not named k8s',
        '  check.k3s_id: will be checked after apply (known after apply)',
        '',
        'Warning: check.k3s_named: assertion failed: the k3s VM is not named k8s',
        '',
        '  on homelab.yaml:14:18',
      ].join('\n'),
    );
  });

  it('hl apply evaluates the checks again once the values are known', async () => {
    const r = await runHl(['apply', '--auto-approve', '--no-color', '--var', 'memory=4096'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      ['Checks:', '  check.k3s_named: failed: the k3s VM is not named k8s', '  check.k3s_id: passed', '', 'Apply complete!'].join('\n'),
    );
    expect(r.stderr).toContain('Warning: check.k3s_named: assertion failed: the k3s VM is not named k8s');
  });

  it('a saved plan applies its deferred postcondition: false after apply, the instance fails, its dependents are skipped, state keeps it', async () => {
    const saved = mkdtempSync(join(tmpdir(), 'hl-conditions-saved-'));
    writeFileSync(
      join(saved, 'homelab.yaml'),
      `resources:
  fake_resource.vm:
    name: vm
    lifecycle:
      postcondition: { condition: "\${self.id == \\"nope\\"}", error_message: "vm got id \${self.id}" }
  fake_resource.child: { name: child, value: "\${fake_resource.vm.id}" }
`,
    );
    const plan = await runHl(['plan', '--no-color', '--out', 'p.hlplan'], { cwd: saved });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Checks:\n  fake_resource.vm: postcondition will be checked after apply (known after apply)');
    const apply = await runHl(['apply', '--no-color', 'p.hlplan'], { cwd: saved });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/Error: fake_resource\.vm: postcondition failed: vm got id fake-\d+\n\n {2}on homelab\.yaml:5:35/);
    expect(apply.stdout).toContain('Apply failed.');
    expect(apply.stdout).toContain('0 added, 0 changed, 0 replaced, 0 destroyed; 1 failed, 1 skipped.');
    const list = await runHl(['state', 'list'], { cwd: saved });
    expect(list.stdout.trim().split('\n')).toEqual(['fake_resource.vm']);
  });
});
