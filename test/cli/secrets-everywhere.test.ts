/**
 * No secret in any output or file (issue 15, "Must show"): plan, apply, destroy, show, output,
 * docs, state show and import, each in human, `--json` and `HL_DEBUG=1` modes, with sensitive
 * variables used in resource attributes (fake provider) and provider secrets (the password of
 * two emulated Kuma instances), holding `"`, `\`, a newline, unicode, and of 1-3 characters.
 * Every stdout and stderr, and every file in the working directory, is searched, except the
 * state, its backup and the journal (which hold sensitive values by design, 0600) and the
 * emulated remote systems' own world files under `.hl/providers/` (the server side, which is
 * sent the secrets on purpose). One output is a secret by request: `hl output NAME --json` of
 * a sensitive output prints its value (how scripts read a secret; the human form masks it).
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHl, type HlResult } from '../support/run-hl.js';

const SECRETS: Record<string, string> = {
  s_quote: 'pa"ss-word"1',
  s_backslash: 'c:\\back\\slash\\2',
  s_newline: 'line-one\nline-two-3',
  s_unicode: 'pässwörd-🔑-4',
  s_short1: 'ʬ',
  s_short2: 'Ж\\',
  s_short3: 'Q7"',
  kuma_long: 'kuma "pw"\\\n-é5',
  kuma_short: 'Z9ħ',
};

// the provider block is one long line, so that a diagnostic quoting it cuts it (a secret must not leak half-masked)
const CONFIG = `
variables:
${Object.keys(SECRETS).map((k) => `  ${k}: { type: string, sensitive: true }`).join('\n')}
providers:
  kuma.long: { emulated: true, username: admin, password: "\${var.kuma_long}", timeout_ms: 10000, version: "2.5.3" }
  kuma.short: { emulated: true, username: admin, password: "\${var.kuma_short}" }
resources:
  fake_resource.a: { name: a, secret: "\${var.s_quote}", description: "d \${var.s_backslash}", value: "\${var.s_newline}" }
  fake_resource.b: { name: b, secret: "\${var.s_unicode}", value: { k: "\${var.s_short1}", l: ["\${var.s_short2}"] }, tags: ["\${var.s_short3}"] }
outputs:
  out_secret: { value: "\${var.s_quote}", sensitive: true }
  out_plain: { value: "\${fake_resource.a.name}" }
`;

/** Every form a secret could be printed in: as it is, and escaped as JSON. */
function forms(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1)])];
}

function leaks(text: string): string[] {
  return Object.entries(SECRETS).flatMap(([name, s]) => forms(s).filter((f) => text.includes(f)).map((f) => `${name} as ${JSON.stringify(f)}`));
}

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesOf(p) : [p];
  });
}

const EXEMPT = (rel: string): boolean =>
  rel === 'homelab.state.json' || rel === 'homelab.state.json.backup' || rel === 'homelab.state.json.journal' || (rel.startsWith('.hl/providers/') && /world\.jsonl?$/.test(rel));

type Mode = 'human' | 'json' | 'debug';

async function session(mode: Mode): Promise<{ found: string[]; results: Record<string, HlResult> }> {
  const dir = mkdtempSync(join(tmpdir(), `hl-secrets-${mode}-`));
  writeFileSync(join(dir, 'homelab.yaml'), CONFIG);
  const env: Record<string, string> = Object.fromEntries(Object.entries(SECRETS).map(([k, v]) => [`HL_VAR_${k}`, v]));
  if (mode === 'debug') env['HL_DEBUG'] = '1';
  const json = mode === 'json' ? ['--json'] : [];
  const found: string[] = [];
  const results: Record<string, HlResult> = {};
  const hl = async (label: string, args: string[], opts: { secretOnStdout?: boolean } = {}): Promise<HlResult> => {
    const r = await runHl(args, { cwd: dir, env });
    results[label] = r;
    if (!opts.secretOnStdout) for (const l of leaks(r.stdout)) found.push(`${label} stdout: ${l}`);
    for (const l of leaks(r.stderr)) found.push(`${label} stderr: ${l}`);
    return r;
  };
  await hl('plan', ['plan', ...json]);
  await hl('plan --out', ['plan', '--out', 'saved.plan', ...json]);
  await hl('show PLAN', ['show', 'saved.plan', ...json]);
  await hl('apply', ['apply', '--auto-approve', ...json]);
  await hl('show', ['show', ...json]);
  await hl('output', ['output', ...json]);
  // the one way to read a secret on purpose (for scripts): one sensitive output asked for by name with --json
  const read = await hl('output out_secret', ['output', 'out_secret', ...json], { secretOnStdout: mode === 'json' });
  if (mode === 'json') expect(JSON.parse(read.stdout)).toBe(SECRETS['s_quote']);
  await hl('state show', ['state', 'show', 'fake_resource.a', ...json]);
  await hl('docs', ['docs']);
  await hl('docs --out', ['docs', '--out', 'inventory.md']);
  const state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { address?: string; type?: string; name?: string; id?: string }[] };
  const b = state.resources.find((r) => r.address === 'fake_resource.b' || (r.type === 'fake_resource' && r.name === 'b'));
  await hl('state rm', ['state', 'rm', 'fake_resource.b']);
  await hl('import', ['import', 'fake_resource.b', b?.id ?? 'missing']);
  await hl('state show after import', ['state', 'show', 'fake_resource.b', ...json]);
  await hl('show after import', ['show', ...json]);
  await hl('plan after import', ['plan', ...json]);
  await hl('destroy', ['destroy', '--auto-approve', ...json]);
  for (const f of filesOf(dir)) {
    const rel = relative(dir, f);
    if (EXEMPT(rel)) continue;
    for (const l of leaks(readFileSync(f, 'utf8'))) found.push(`file ${rel}: ${l}`);
  }
  return { found, results };
}

describe('no secret in any output or file', () => {
  for (const mode of ['human', 'json', 'debug'] as const) {
    it(`in ${mode} mode`, async () => {
      const { found, results } = await session(mode);
      for (const label of ['plan --out', 'apply', 'show', 'state show', 'docs', 'import', 'destroy']) {
        expect({ label, code: results[label]!.code, stderr: results[label]!.stderr }).toMatchObject({ label, code: 0 });
      }
      expect(found).toEqual([]);
    }, 120_000);
  }
});
