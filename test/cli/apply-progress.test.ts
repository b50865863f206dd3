/** Apply progress for people: start/end lines with elapsed time and still-running ticks. */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { formatElapsed, progressView } from '../../src/render/apply-progress.js';
import type { Terminal } from '../../src/cli/terminal.js';
import { makeRedactor } from '../../src/core/redact.js';

function capture(): Terminal & { text: () => string } {
  let out = '';
  return { out: (t) => (out += t), err: (t) => (out += t), color: false, ask: async () => undefined, text: () => out };
}

describe('apply progress', () => {
  it('prints a line when an operation starts and ends, with the elapsed time, and still-running lines meanwhile', async () => {
    const term = capture();
    let now = 0;
    const view = progressView(term, { redact: makeRedactor([]), intervalMs: 20, now: () => now });
    view.operationStart({ address: 'proxmox_vm.k3s["pve"]', operation: 'create' });
    now = 12_000;
    await sleep(60);
    now = 75_000;
    view.operationEnd({ address: 'proxmox_vm.k3s["pve"]', operation: 'create', outcome: 'ok', id: 'pve/120' });
    view.stop();
    const lines = term.text().trim().split('\n');
    expect(lines[0]).toBe('proxmox_vm.k3s["pve"]: Creating...');
    expect(lines).toContain('proxmox_vm.k3s["pve"]: Still creating... [12s elapsed]');
    expect(lines[lines.length - 1]).toBe('proxmox_vm.k3s["pve"]: Creation complete after 1m15s [id=pve/120]');
  });

  it('formats elapsed times', () => {
    expect([formatElapsed(400), formatElapsed(9_600), formatElapsed(61_000), formatElapsed(3_725_000)]).toEqual(['0s', '10s', '1m01s', '62m05s']);
  });
});
