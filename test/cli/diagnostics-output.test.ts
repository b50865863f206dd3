/** Diagnostics are redacted before they are rendered: a secret cut by the rendering must not leak in part (issue 15). */
import { describe, expect, it } from 'vitest';
import { printDiagnostics } from '../../src/render/diagnostics-output.js';
import type { Terminal } from '../../src/cli/terminal.js';
import { makeRedactor } from '../../src/core/redact.js';
import { warning } from '../../src/core/diagnostic.js';

function capture(): Terminal & { text: () => string } {
  let out = '';
  return { out: (t) => (out += t), err: (t) => (out += t), color: false, ask: async () => undefined, text: () => out };
}

const SECRET = '0b7c6a3e-1111-2222-3333-444455556666';

describe('printDiagnostics', () => {
  it('masks a secret in a source line that is cut to its window', () => {
    const line = `  crucible: { endpoint: "http://pve.lan:8006", token_id: "hl@pve!ci", token_secret: "${SECRET}", allow_http: true }`;
    const term = capture();
    printDiagnostics(term, [warning('plain http', { file: 'homelab.yaml', line: 1, col: 3 })], {
      files: [{ path: 'homelab.yaml', text: line } as never],
      redact: makeRedactor([SECRET]),
    });
    expect(term.text()).toContain('homelab.yaml:1:3');
    expect(term.text()).not.toContain(SECRET.slice(0, 12));
  });

  it('masks a secret in a long quoted value of a message, which rendering cuts', () => {
    const secret = `${'s'.repeat(600)}-SECRET-TAIL`;
    const term = capture();
    printDiagnostics(term, [warning(`the value "${secret}" is refused`)], { redact: makeRedactor([secret]) });
    expect(term.text()).toContain('(sensitive value)');
    expect(term.text()).not.toContain('SECRET-TAIL');
    expect(term.text()).not.toContain('s'.repeat(20));
  });
});
