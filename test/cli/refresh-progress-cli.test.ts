/**
 * What a plan shows while it refreshes, from a real process with the fake provider: a line
 * per resource for a small state, as Terraform does, and for a large one (more than 50
 * resources) a count instead; nothing of it with --json; and no emulators line for a
 * provider that is not emulated.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

function project(resources: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-refresh-progress-'));
  const lines = ['providers:', '  fake: {}', 'resources:'];
  for (let i = 0; i < resources; i++) lines.push(`  fake_resource.r${i}: { name: r${i} }`);
  writeFileSync(join(dir, 'homelab.yaml'), `${lines.join('\n')}\n`);
  return dir;
}

describe('refresh progress of hl plan', () => {
  it('shows a line per resource for a small state, then a blank line and the plan', async () => {
    const dir = project(3);
    expect((await runHl(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const r = await runHl(['plan'], { cwd: dir });
    expect(r.code).toBe(0);
    const refreshing = r.stdout.split('\n').filter((l) => l.includes('Refreshing state'));
    expect(refreshing.sort()).toEqual([0, 1, 2].map((i) => expect.stringMatching(new RegExp(`^fake_resource\\.r${i}: Refreshing state\\.\\.\\. \\[id=\\S+\\]$`))));
    expect(r.stdout).toMatch(/Refreshing state\.\.\. \[id=\S+\]\n\nNo changes\./);
    expect(r.stdout).not.toContain('Using embedded emulators');
    // stdout of --json holds JSON lines only
    const json = await runHl(['plan', '--json'], { cwd: dir });
    expect(json.stdout).not.toContain('Refreshing state');
    for (const line of json.stdout.trim().split('\n')) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
  });

  it('shows a count for a large state, not a line per resource', async () => {
    const dir = project(60);
    expect((await runHl(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const r = await runHl(['plan'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Refreshing state... [id=');
    const counts = r.stdout.split('\n').filter((l) => l.startsWith('Refreshing state... ['));
    expect(counts[0]).toBe('Refreshing state... [1/60]');
    expect(counts.at(-1)).toBe('Refreshing state... [60/60]');
    // at most one a second besides the first and the last
    expect(counts.length).toBeLessThanOrEqual(2 + Math.ceil(r.ms / 1000));
  });
});
