/** Apply progress for people and for machines: start/end lines with elapsed time, still-running ticks, JSON events, redaction. */
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
    const view = progressView(term, { json: false, redact: makeRedactor([]), intervalMs: 20, now: () => now });
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

  it('streams JSON events, one per line, with secrets redacted', () => {
    const term = capture();
    const view = progressView(term, { json: true, redact: makeRedactor(['hunter2']), now: () => 0 });
    view.operationStart({ address: 'fake_resource.a', operation: 'update' });
    view.operationEnd({ address: 'fake_resource.a', operation: 'update', outcome: 'error', message: 'password hunter2 refused' });
    view.stop();
    const events = term.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e['type'])).toEqual(['apply_start', 'apply_errored']);
    expect(events[1]).toMatchObject({ address: 'fake_resource.a', action: 'update', message: 'password (sensitive value) refused' });
  });

  it('redacts a secret holding a quote, a backslash, a newline or unicode in JSON events (issue 15)', () => {
    const secrets = ['pa"ss', 'back\\slash', 'new\nline', 'clé🔑x'];
    const term = capture();
    const view = progressView(term, { json: true, redact: makeRedactor([...secrets, 'q"']), now: () => 0 });
    for (const s of secrets) view.operationProgress({ address: 'fake_resource.a', operation: 'update', message: `sent ${s} to the server` });
    view.operationEnd({ address: 'fake_resource.a', operation: 'update', outcome: 'error', message: 'q"' });
    view.stop();
    const text = term.text();
    for (const s of secrets) {
      expect(text).not.toContain(s);
      expect(text).not.toContain(JSON.stringify(s).slice(1, -1));
    }
    const events = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ message: 'sent (sensitive value) to the server' });
    expect(events[events.length - 1]).toMatchObject({ message: '(sensitive value)' }); // a short secret, as a whole value
    expect(text).not.toContain('q\\\\"');
  });

  it('formats elapsed times', () => {
    expect([formatElapsed(400), formatElapsed(9_600), formatElapsed(61_000), formatElapsed(3_725_000)]).toEqual(['0s', '10s', '1m01s', '62m05s']);
  });
});
