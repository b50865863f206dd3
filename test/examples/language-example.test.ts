/** The language tour in examples/ must stay valid, plan, apply, and then show no changes. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/language', import.meta.url));

describe('examples/language', () => {
  it('validates, applies, and converges', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-tour-'));
    const state = join(dir, 'tour.state.json');
    const v = await runHl(['validate', '-c', EXAMPLE], { cwd: dir });
    expect(v.stdout).toContain('Success!');
    const a = await runHl(['apply', '-c', EXAMPLE, '--state', state, '--auto-approve'], { cwd: dir });
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('Apply complete! Resources: 7 added');
    expect(a.stdout).toContain('worker_ips = [\n  "192.168.4.50",\n  "192.168.4.51",\n]');
    expect(a.stdout).not.toContain('not-a-real-token-123');
    const p = await runHl(['plan', '-c', EXAMPLE, '--state', state, '--detailed-exitcode'], { cwd: dir });
    expect(p.code).toBe(0);
    const bad = await runHl(['plan', '-c', EXAMPLE, '--state', state, '--var', 'replicas=9'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('replicas must be between 1 and 5');
  });
});
