/**
 * Issue 14, item 14: one resource whose read fails (not retryably) no longer aborts the plan:
 * `hl plan` shows the other resources' changes and says which one could not be read, and the
 * plan applies to the rest.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

const config = (size: number) => `resources:
  fake_resource.a: { name: a, fail: read }
  fake_resource.b: { name: b, size: ${size} }
`;

describe('a resource that cannot be read', () => {
  it('is reported, and the rest plans and applies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-unreadable-'));
    writeFileSync(join(dir, 'homelab.yaml'), config(1));
    const first = await runHl(['apply', '--auto-approve'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);

    writeFileSync(join(dir, 'homelab.yaml'), config(2));
    const plan = await runHl(['plan', '--no-color', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('# fake_resource.b will be updated in place');
    expect(plan.stdout).toContain('Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy.');
    const output = plan.stdout + plan.stderr;
    const warnings = output.split('\n').filter((l) => l.includes('fake_resource.a could not be read'));
    expect(warnings, output).toHaveLength(1);
    expect(output).toContain('read of fake-1 failed as configured');

    const apply = await runHl(['apply', '--auto-approve', '--no-color'], { cwd: dir });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('1 changed');
  }, 60_000);
});
