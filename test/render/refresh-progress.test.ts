/**
 * The refresh's progress view: a line per resource for a small state, a count at most once a
 * second for a large one (the first and the last always), a blank line after the last, and
 * the emulators line.
 */
import { describe, expect, it } from 'vitest';
import { emulatorsLine, refreshProgressView, type RefreshRead } from '../../src/render/refresh-progress.js';

function capture() {
  const out: string[] = [];
  return { out, term: { out: (t: string) => void out.push(t), err: () => undefined, color: false } };
}

const reads = (total: number): RefreshRead[] =>
  Array.from({ length: total }, (_, i) => ({ address: `fake_resource.r${i}`, id: `id-${i}`, n: i + 1, total }));

describe('refresh progress', () => {
  it('shows a line per resource for a small state, as Terraform does', () => {
    const { out, term } = capture();
    const view = refreshProgressView(term, { now: () => 0 });
    for (const r of reads(3)) view(r);
    expect(out.join('')).toBe(
      'fake_resource.r0: Refreshing state... [id=id-0]\n' +
        'fake_resource.r1: Refreshing state... [id=id-1]\n' +
        'fake_resource.r2: Refreshing state... [id=id-2]\n\n',
    );
  });

  it('shows a count at most once a second for a large state, the first and the last always', () => {
    const { out, term } = capture();
    let now = 0;
    const view = refreshProgressView(term, { now: () => now });
    // 120 reads, 25 ms apart: 3 s in all
    for (const r of reads(120)) {
      view(r);
      now += 25;
    }
    expect(out).toEqual([
      'Refreshing state... [1/120]\n',
      'Refreshing state... [41/120]\n',
      'Refreshing state... [81/120]\n',
      'Refreshing state... [120/120]\n\n',
    ]);
  });

  it('switches from lines to a count above 50 resources', () => {
    for (const [total, perResource] of [
      [50, true],
      [51, false],
    ] as const) {
      const { out, term } = capture();
      const view = refreshProgressView(term, { now: () => 0 });
      for (const r of reads(total)) view(r);
      expect(out.join('').includes('Refreshing state... [id='), `${total} resources`).toBe(perResource);
    }
  });

  it('names the emulated provider instances and where their worlds are', () => {
    expect(emulatorsLine(['proxmox', 'maas', 'kuma.pve'], 'examples/.hl')).toBe(
      'Using embedded emulators for: proxmox, maas, kuma.pve (state of the emulated homelab in examples/.hl/)\n',
    );
  });
});
