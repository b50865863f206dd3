/**
 * `--json` on plan, apply, destroy and validate, from real processes: stdout is only JSON
 * lines in Terraform's machine-readable UI shape (version first, planned_change per change,
 * change_summary, apply_start/apply_complete per resource, outputs), diagnostics among them,
 * nothing on stderr, no secret anywhere; apply without -auto-approve or a plan file refused.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runHl, type HlResult } from '../support/run-hl.js';
import { uiLines, type UiLine } from '../support/json-ui-lines.js';

const SECRET = 'pw-s3cr3t-0123456789';

const CONFIG = `
providers:
  fake: {}
variables:
  secret: { type: string, sensitive: true }
resources:
  fake_resource.a: { name: a, size: 1 }
  fake_resource.b: { name: b, value: "\${fake_resource.a.id}", secret: "\${var.secret}" }
outputs:
  a_id: { value: "\${fake_resource.a.id}" }
  the_secret: { value: "\${var.secret}", sensitive: true }
`;

const schema = JSON.parse(readFileSync(new URL('../../schemas/plan-json.schema.json', import.meta.url), 'utf8')) as object;
const validateShowJson = new Ajv({ allErrors: true, strict: true }).compile(schema);

function project(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-json-ui-'));
  writeFileSync(join(dir, 'homelab.yaml'), config);
  return dir;
}

async function hl(dir: string, args: string[]): Promise<HlResult & { lines: UiLine[] }> {
  const r = await runHl(args, { cwd: dir, env: { HL_VAR_secret: SECRET } });
  expect(r.stdout + r.stderr).not.toContain(SECRET);
  expect(r.stderr, 'nothing on stderr with --json').toBe('');
  return { ...r, lines: uiLines(r.stdout) };
}

const types = (lines: UiLine[]): string[] => lines.map((l) => l.type);
const ofType = (lines: UiLine[], type: string): UiLine[] => lines.filter((l) => l.type === type);
const addr = (l: UiLine): unknown => ((l['hook'] ?? l['change']) as { resource: { addr: string } }).resource.addr;

beforeAll(() => assertBuilt());

describe('hl --json: Terraform machine-readable UI lines', () => {
  it('apply: version, a planned_change per change, the plan summary, apply_start/apply_complete per resource, the apply summary, the outputs', async () => {
    const dir = project(CONFIG);
    const r = await hl(dir, ['apply', '--json', '--auto-approve']);
    expect(r.code).toBe(0);
    expect(types(r.lines)).toEqual([
      'version',
      'planned_change',
      'planned_change',
      'change_summary',
      'outputs',
      'apply_start',
      'apply_complete',
      'apply_start',
      'apply_complete',
      'change_summary',
      'outputs',
    ]);
    const [version, a] = r.lines;
    expect(version).toMatchObject({ '@level': 'info', hl: expect.any(String), ui: '1.2' });
    expect(a).toMatchObject({
      '@message': 'fake_resource.a: Plan to create',
      change: {
        resource: {
          addr: 'fake_resource.a',
          module: '',
          resource: 'fake_resource.a',
          implied_provider: 'fake',
          resource_type: 'fake_resource',
          resource_name: 'a',
          resource_key: null,
        },
        action: 'create',
      },
    });
    expect(ofType(r.lines, 'planned_change').map(addr)).toEqual(['fake_resource.a', 'fake_resource.b']);
    const [planned, applied] = ofType(r.lines, 'change_summary');
    expect(planned).toMatchObject({ '@message': 'Plan: 2 to add, 0 to change, 0 to destroy.', changes: { add: 2, change: 0, import: 0, remove: 0, operation: 'plan' } });
    expect(applied).toMatchObject({ changes: { add: 2, change: 0, import: 0, remove: 0, operation: 'apply' } });
    expect(ofType(r.lines, 'apply_start').map(addr)).toEqual(['fake_resource.a', 'fake_resource.b']);
    const complete = ofType(r.lines, 'apply_complete');
    expect(complete.map(addr)).toEqual(['fake_resource.a', 'fake_resource.b']);
    expect(complete[0]).toMatchObject({ hook: { action: 'create', id_key: 'id', id_value: expect.any(String), elapsed_seconds: expect.any(Number) } });
    const outputs = r.lines[r.lines.length - 1]!['outputs'] as Record<string, unknown>;
    const state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { address: string; id: string }[] };
    const aId = state.resources.find((x) => x.address === 'fake_resource.a')!.id;
    expect(outputs).toEqual({ a_id: { sensitive: false, type: 'string', value: aId }, the_secret: { sensitive: true } });
    expect(complete[0]!['hook']).toMatchObject({ id_value: aId });
  });

  it('apply without -auto-approve and without a plan file is refused, as Terraform does, and changes nothing', async () => {
    const dir = project(CONFIG);
    const r = await hl(dir, ['apply', '-json']);
    expect(r.code).toBe(1);
    expect(types(r.lines)).toEqual(['version', 'diagnostic']);
    expect(r.lines[1]).toMatchObject({ '@level': 'error', diagnostic: { severity: 'error', summary: '-auto-approve is required when using -json' } });
    expect(existsSync(join(dir, 'homelab.state.json'))).toBe(false);
    expect((await hl(dir, ['destroy', '--json'])).code).toBe(1);
  });

  it('plan -out then apply FILE, both with --json; the whole plan as one document is hl show --json FILE', async () => {
    const dir = project(CONFIG);
    const plan = await hl(dir, ['plan', '--json', '--out', 'tfplan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(types(plan.lines)).toEqual(['version', 'planned_change', 'planned_change', 'change_summary', 'outputs']);
    const shown = await runHl(['show', '--json', 'tfplan'], { cwd: dir });
    const doc = JSON.parse(shown.stdout) as { resource_changes: { address: string }[] };
    expect(validateShowJson(doc), JSON.stringify(validateShowJson.errors)).toBe(true);
    expect(doc.resource_changes.map((c) => c.address)).toEqual(['fake_resource.a', 'fake_resource.b']);
    const apply = await hl(dir, ['apply', '--json', 'tfplan']);
    expect(apply.code).toBe(0);
    expect(types(apply.lines)).toEqual(['version', 'apply_start', 'apply_complete', 'apply_start', 'apply_complete', 'change_summary', 'outputs']);
  });

  it('destroy: a planned delete per resource, then apply_start/apply_complete and the destroy summary', async () => {
    const dir = project(CONFIG);
    expect((await hl(dir, ['apply', '--json', '--auto-approve'])).code).toBe(0);
    const r = await hl(dir, ['destroy', '--json', '--auto-approve']);
    expect(r.code).toBe(0);
    expect(ofType(r.lines, 'planned_change').map((l) => (l['change'] as { action: string }).action)).toEqual(['delete', 'delete']);
    expect(ofType(r.lines, 'apply_complete').map(addr)).toEqual(['fake_resource.b', 'fake_resource.a']);
    expect(r.lines[r.lines.length - 1]).toMatchObject({
      type: 'change_summary',
      '@message': 'Destroy complete! Resources: 2 destroyed.',
      changes: { add: 0, change: 0, remove: 2, operation: 'destroy' },
    });
  });

  it('a failing resource gives apply_errored and an error diagnostic, exit 1, the secret in its name masked', async () => {
    const dir = project(CONFIG.replace('fake_resource.b: { name: b,', 'fake_resource.b: { name: "b-${var.secret}", fail: create,'));
    const r = await hl(dir, ['apply', '--json', '--auto-approve']);
    expect(r.code).toBe(1);
    const errored = ofType(r.lines, 'apply_errored');
    expect(errored.map(addr)).toEqual(['fake_resource.b']);
    expect(errored[0]).toMatchObject({ '@level': 'error', hook: { action: 'create' } });
    const diags = ofType(r.lines, 'diagnostic');
    expect(diags.length).toBeGreaterThan(0);
    expect(diags.map((d) => d['diagnostic'])).toContainEqual(
      expect.objectContaining({ severity: 'error', address: 'fake_resource.b', summary: expect.stringContaining('"b-(sensitive value)"') }),
    );
    expect(errored[0]!['hook']).toMatchObject({ message: expect.stringContaining('"b-(sensitive value)"') });
    expect(types(r.lines).indexOf('diagnostic')).toBeGreaterThan(types(r.lines).indexOf('apply_errored'));
    expect(ofType(r.lines, 'change_summary').map((l) => (l['changes'] as { operation: string }).operation)).toEqual(['plan']);
  });

  it('validate: an error is a diagnostic with its file, line, column and byte; a valid config says so in a log line', async () => {
    const dir = project('providers:\n  fake: {}\nresources:\n  fake_resource.x: { nme: x }\n');
    const r = await hl(dir, ['validate', '--json']);
    expect(r.code).toBe(1);
    expect(types(r.lines)[0]).toBe('version');
    const d = ofType(r.lines, 'diagnostic').find((l) => (l['diagnostic'] as { summary: string }).summary.startsWith('Unsupported attribute "nme"'))!;
    expect(d['@level']).toBe('error');
    const diagnostic = d['diagnostic'] as { summary: string; range: { filename: string; start: { line: number; column: number; byte: number } }; snippet: { code: string } };
    expect(diagnostic.range.filename).toBe('homelab.yaml');
    expect(diagnostic.range.start.line).toBe(4);
    expect(diagnostic.range.start.column).toBeGreaterThan(1);
    const text = readFileSync(join(dir, 'homelab.yaml'), 'utf8');
    expect(diagnostic.range.start.byte).toBe(text.split('\n').slice(0, 3).join('\n').length + 1 + diagnostic.range.start.column - 1);
    expect(diagnostic.snippet.code).toBe('  fake_resource.x: { nme: x }');

    const ok = await hl(project(CONFIG), ['validate', '--json']);
    expect(ok.code).toBe(0);
    expect(ok.lines.map((l) => [l.type, l['@message']])).toEqual([
      ['version', expect.any(String)],
      ['log', 'Success! The configuration is valid.'],
    ]);
  });

  it('plan: a config error is a diagnostic line (it went nowhere before), and stdout holds nothing else', async () => {
    const dir = project(CONFIG.replace('outputs:', '  fake_resource.c: { name: "${var.nope}" }\noutputs:'));
    const r = await hl(dir, ['plan', '--json']);
    expect(r.code).toBe(1);
    expect(new Set(types(r.lines))).toEqual(new Set(['version', 'diagnostic']));
    const errors = ofType(r.lines, 'diagnostic').filter((l) => l['@level'] === 'error');
    expect(errors.map((l) => l['diagnostic'])).toContainEqual(
      expect.objectContaining({ severity: 'error', summary: 'Reference to undeclared variable "nope"', range: expect.objectContaining({ filename: 'homelab.yaml' }) }),
    );
  });
});
