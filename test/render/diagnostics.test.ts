import { describe, expect, it } from 'vitest';
import { error, warning, type Diagnostic } from '../../src/core/diagnostic.js';
import { renderDiagnostics } from '../../src/render/diagnostic-human.js';
import { diagnosticsToJson, diagnosticToJson } from '../../src/render/diagnostic-json.js';

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

describe('diagnostic JSON', () => {
  it('has the shape of Terraform diagnostics', () => {
    const d = error('Unknown variable', { file: 'homelab.yaml', line: 4, col: 31 }, 'Did you mean "x"?');
    expect(diagnosticToJson(d)).toEqual({
      severity: 'error',
      summary: 'Unknown variable',
      detail: 'Did you mean "x"?',
      range: { filename: 'homelab.yaml', start: { line: 4, column: 31 } },
    });
    expect(diagnosticsToJson([warning('W'), { ...error('E'), address: 'a.b' }])).toEqual([
      { severity: 'warning', summary: 'W', detail: '' },
      { severity: 'error', summary: 'E', detail: '', address: 'a.b' },
    ]);
  });
});
