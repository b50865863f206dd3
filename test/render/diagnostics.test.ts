import { describe, expect, it } from 'vitest';
import { error, warning, type Diagnostic } from '../../src/core/diagnostic.js';
import { renderDiagnostics } from '../../src/render/diagnostic-human.js';

const source = ['variables:', '  domain: { type: string }', 'providers:', '  proxmox: { token_secret: "${var.pve_tokn}" }', ''].join('\n');
const sources = new Map([['homelab.yaml', source]]);

describe('renderDiagnostics', () => {
  it('shows an error with its location, the source line, a caret under the column and the detail', () => {
    const d = error('Unknown variable "pve_tokn"', { file: 'homelab.yaml', line: 4, col: 31 }, 'Did you mean "pve_token"?');
    expect(renderDiagnostics([d], { color: false, sources })).toBe(
      [
        'Error: Unknown variable "pve_tokn"',
        '',
        '  on homelab.yaml:4:31',
        '    4 |   proxmox: { token_secret: "${var.pve_tokn}" }',
        '      |                               ^',
        '',
        'Did you mean "pve_token"?',
        '',
      ].join('\n'),
    );
  });

  it('shows only the location when the source is not given, and nothing more when there is none', () => {
    const located = warning('Deprecated attribute "balloon"', { file: 'other.yaml', line: 2, col: 3 });
    const bare: Diagnostic = { severity: 'error', summary: 'State is locked', address: 'proxmox_vm.a' };
    expect(renderDiagnostics([located, bare], { color: false, sources })).toBe(
      ['Warning: Deprecated attribute "balloon"', '', '  on other.yaml:2:3', '', 'Error: State is locked', '', '  with proxmox_vm.a', ''].join('\n'),
    );
    expect(renderDiagnostics([], { color: true })).toBe('');
  });

  it('keeps tabs so the caret lines up', () => {
    const d = error('Bad value', { file: 'tabs.yaml', line: 1, col: 3 });
    const out = renderDiagnostics([d], { color: false, sources: new Map([['tabs.yaml', '\t\tvalue: x']]) });
    expect(out).toContain('    1 | \t\tvalue: x\n      | \t\t^');
  });

  it('colours Error red and Warning yellow, and nothing without colour', () => {
    const diags = [error('E', { file: 'homelab.yaml', line: 1, col: 1 }), warning('W')];
    const colored = renderDiagnostics(diags, { color: true, sources });
    expect(colored).toContain('\x1b[31mError:\x1b[39m');
    expect(colored).toContain('\x1b[33mWarning:\x1b[39m');
    expect(renderDiagnostics(diags, { color: false, sources })).not.toMatch(/\x1b\[/);
  });

  it('never prints a stack trace', () => {
    const e = new Error('boom');
    const d = error('Provider failed', undefined, `${e.message}\n${e.stack ?? ''}`);
    const out = renderDiagnostics([d], { color: false });
    expect(out).toBe('Error: Provider failed\n\nboom\nError: boom\n');
    expect(out).not.toMatch(/^\s+at /m);
  });
});

describe('renderDiagnostics never cuts what the user must act on (issue 14, item 9)', () => {
  const udev = 'SUBSYSTEMS=="usb", ATTRS{idVendor}=="1a6e", ATTRS{idProduct}=="089a", MODE="0666"';
  const advice = [
    `coral_tpu.frigate: ${'a USB Coral cannot be passed to a container through the Proxmox API. '.repeat(6)}`,
    'Add these lines on pve to /etc/pve/lxc/111.conf (as root), then restart the container:',
    '    lxc.cgroup2.devices.allow: c 189:* rwm',
    '    lxc.mount.entry: /dev/bus/usb dev/bus/usb none bind,optional,create=dir',
    'For an unprivileged container also add a udev rule on pve (e.g. /etc/udev/rules.d/99-coral.rules, then "udevadm control --reload && udevadm trigger"):',
    `    ${udev}`,
    'hl checks for the lines on every refresh.',
  ].join('\n');

  it('prints a long multi-line warning summary whole', () => {
    expect(advice.length).toBeGreaterThan(900);
    const out = renderDiagnostics([warning(advice, { file: 'homelab.yaml', line: 1, col: 1 })], { color: false, sources });
    expect(out).toContain(advice);
    expect(out).not.toContain('more characters');
  });

  it('prints a long detail whole, even a single line of 2000 characters', () => {
    const longLine = `Run: ${Array.from({ length: 200 }, (_, i) => `step${i}`).join(' && ')}`;
    expect(longLine.length).toBeGreaterThan(1500);
    const out = renderDiagnostics([error('Cannot do it', undefined, `${advice}\n${longLine}`)], { color: false });
    expect(out).toContain(advice);
    expect(out).toContain(longLine);
  });

  it('cuts a long echoed value (a quoted key), keeping its head and tail and hl\'s words around it', () => {
    const key = `k${'x'.repeat(100_000)}z`;
    const out = renderDiagnostics([error(`Unknown attribute "${key}" in proxmox_vm.a`, undefined, `Did you mean "name"? The key "${key}" is not in the schema.`)], { color: false });
    expect(out.length).toBeLessThan(2000);
    expect(out).toMatch(/^Error: Unknown attribute "kx+…x+z" \(\d+ characters of the value left out\) in proxmox_vm\.a$/m);
    expect(out).toContain('Did you mean "name"? The key "kx');
    expect(out).toContain('is not in the schema.');
  });

  it('still windows a long source line around the column', () => {
    const line = `  name: "${'y'.repeat(5000)}"`;
    const out = renderDiagnostics([error('Bad', { file: 'long.yaml', line: 1, col: 9 })], { color: false, sources: new Map([['long.yaml', line]]) });
    expect(out.length).toBeLessThan(600);
    expect(out).toContain('…');
  });
});
