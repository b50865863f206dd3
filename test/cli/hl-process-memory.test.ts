/**
 * The torture's per-run memory measurement (bench/torture/hl-process.ts, used by the bad-input
 * part's 500 MB bound): a measured run reports its peak resident memory, and the heap cap it
 * sets really ends a runaway process instead of letting it grow.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHl, uncleanFailure } from '../support/run-hl.js';

describe('hl runs measured by the torture', () => {
  it('report their peak memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-rss-'));
    writeFileSync(join(dir, 'homelab.yaml'), 'resources:\n  fake_resource.a: { name: a }\n');
    const r = await runHl(['validate'], { cwd: dir, measureMemory: { heapCapMb: 500 } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.peakRssMb).toBeGreaterThan(10);
    expect(r.peakRssMb).toBeLessThan(500);
  });

  it('cap the heap, so a run needing more ends uncleanly instead of growing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-rss-'));
    // 200,000 resources parse into far more than an 8 MB heap
    writeFileSync(join(dir, 'homelab.yaml'), `resources:\n${Array.from({ length: 200_000 }, (_, i) => `  fake_resource.r${i}: { name: r${i} }\n`).join('')}`);
    const r = await runHl(['validate'], { cwd: dir, measureMemory: { heapCapMb: 8 }, timeoutMs: 60_000 });
    expect(uncleanFailure(r)).toBeDefined();
  }, 90_000);
});
