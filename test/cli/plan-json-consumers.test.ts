/**
 * `hl show --json PLANFILE` fed to tools written for Terraform's plan JSON, installed from npm
 * as dev dependencies, run as their users run them, offline:
 *
 * - `@ahmadnassri/terraform-unidiff` (the diff behind ahmadnassri/action-terraform-report):
 *   its CLI checks the document against its JSON schema (which requires `format_version` and
 *   `terraform_version`), prints a unified diff per changed resource and a summary line.
 * - `@terraform-visual/cli` (Terraform Visual): its CLI writes an HTML report around the
 *   document; the report's page is run in happy-dom (its canvas recorded) and draws the plan
 *   as a tree of address parts, each changed resource in its action's colour.
 *
 * The plan is real: a config of the fake provider applied, then changed so that the next plan
 * has a create, an update, a delete, a replace, two module instances and a sensitive attribute.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const SECRET = 'tok-consumer-s3cret';
const validate = new Ajv({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(new URL('../../schemas/plan-json.schema.json', import.meta.url), 'utf8')) as object,
);

const BEFORE = `
resources:
  fake_resource.keep: { name: keep, value: 1 }
  fake_resource.gone: { name: gone, value: 2 }
  fake_resource.swap: { name: swap-a, value: 3 }
`;

const AFTER = `
variables:
  token: { type: string, sensitive: true }
resources:
  fake_resource.keep: { name: keep, value: 10 }
  fake_resource.swap: { name: swap-b, value: 3 }
  fake_resource.new:
    name: new
    value: "\${fake_resource.keep.value}"
    secret: "\${var.token}"
modules:
  app:
    source: ./modules/app
    count: 2
    label: "x\${count.index}"
outputs:
  keep_id: { value: "\${fake_resource.keep.id}" }
`;

const MODULE = `
variables:
  label: { type: string }
resources:
  fake_resource.inner:
    name: "inner-\${var.label}"
    value: 5
`;

const dir = mkdtempSync(join(tmpdir(), 'hl-plan-json-consumers-'));
const planJson = join(dir, 'plan.json');
let showText = '';
let plannedAt: { from: number; to: number };

beforeAll(async () => {
  mkdirSync(join(dir, 'modules', 'app'), { recursive: true });
  writeFileSync(join(dir, 'modules', 'app', 'main.yaml'), MODULE);
  writeFileSync(join(dir, 'homelab.yaml'), BEFORE);
  const applied = await runHl(['apply', '--auto-approve'], { cwd: dir });
  expect(applied.code, applied.stderr).toBe(0);
  writeFileSync(join(dir, 'homelab.yaml'), AFTER);
  const from = Date.now();
  const planned = await runHl(['plan', '--out', 'p.plan'], { cwd: dir, env: { HL_VAR_token: SECRET } });
  plannedAt = { from, to: Date.now() };
  expect(planned.code, planned.stderr).toBe(0);
  const shown = await runHl(['show', '--json', 'p.plan'], { cwd: dir });
  expect(shown.code, shown.stderr).toBe(0);
  showText = shown.stdout;
  writeFileSync(planJson, showText);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hl show --json PLANFILE read by tools written for Terraform plan JSON', () => {
  it('is the plan the scenario expects, with no secret in it', () => {
    const doc = JSON.parse(showText) as { resource_changes: { address: string; change: { actions: string[] } }[] };
    expect(Object.fromEntries(doc.resource_changes.map((c) => [c.address, c.change.actions.join(',')]))).toEqual({
      'fake_resource.keep': 'update',
      'fake_resource.swap': 'delete,create',
      'fake_resource.new': 'create',
      'module.app[0].fake_resource.inner': 'create',
      'module.app[1].fake_resource.inner': 'create',
      'fake_resource.gone': 'delete',
    });
    expect(showText).not.toContain(SECRET);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('has the time the plan was made, the same on every show of the file', async () => {
    const { timestamp } = JSON.parse(showText) as { timestamp: string };
    expect(timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(timestamp)).toBeGreaterThanOrEqual(plannedAt.from);
    expect(Date.parse(timestamp)).toBeLessThanOrEqual(plannedAt.to);
    const again = await runHl(['show', '--json', 'p.plan'], { cwd: dir });
    expect(again.stdout).toBe(showText);
  });

  it('@ahmadnassri/terraform-unidiff accepts it and prints a diff per change and the right counts', async () => {
    const bin = join(dirname(require.resolve('@ahmadnassri/terraform-unidiff/package.json')), 'bin.js');
    const { stdout } = await run(process.execPath, [bin, planJson], { cwd: dir });
    // replace counts once as an add and once as a destroy, as the tool does for Terraform's ["delete","create"]
    expect(stdout).toContain('Plan: 4 to add, 1 to change, 2 to destroy');
    const patches = new Map(
      stdout
        .split(/^Index: /m)
        .slice(1)
        .map((p) => [p.slice(0, p.indexOf('\n')), p] as const),
    );
    expect([...patches.keys()].sort()).toEqual([
      'fake_resource.gone',
      'fake_resource.keep',
      'fake_resource.new',
      'fake_resource.swap',
      'module.app[0].fake_resource.inner',
      'module.app[1].fake_resource.inner',
    ]);
    expect(patches.get('fake_resource.keep')).toMatch(/^-value: 1\n\+value: 10$/m);
    expect(patches.get('fake_resource.swap')).toMatch(/^-name: swap-a\n\+name: swap-b$/m);
    expect(patches.get('fake_resource.gone')).toMatch(/^-name: gone$/m);
    expect(patches.get('module.app[1].fake_resource.inner')).toMatch(/^\+name: inner-x1$/m);
    // the sensitive attribute is there, without its value
    expect(patches.get('fake_resource.new')).toMatch(/^\+secret: null$/m);
    expect(stdout).not.toContain(SECRET);
  });

  it('@ahmadnassri/terraform-unidiff refuses a document without terraform_version (its schema is checked)', async () => {
    const bin = join(dirname(require.resolve('@ahmadnassri/terraform-unidiff/package.json')), 'bin.js');
    const { terraform_version: _, ...rest } = JSON.parse(showText) as Record<string, unknown>;
    const stripped = join(dir, 'no-version.json');
    writeFileSync(stripped, JSON.stringify(rest));
    await expect(run(process.execPath, [bin, stripped], { cwd: dir })).rejects.toMatchObject({ stderr: expect.stringContaining('invalid Terraform Plan JSON data') });
  });

  it('Terraform Visual makes a report that draws every changed resource, by module, in its action colour', async () => {
    const bin = join(dirname(require.resolve('@terraform-visual/cli/package.json')), 'bin', 'index.js');
    const out = join(dir, 'visual');
    const made = await run(process.execPath, [bin, '--plan', planJson, '--out', out], { cwd: dir });
    expect(made.stdout).toContain('Report generated successfully!');
    const drawn = await drawReport(join(out, 'terraform-visual-report'));
    // the tree: root → address parts; a resource's colour is its action's
    const GREY = '#6c757d';
    const CREATE = '#28a745';
    const CHANGE = '#ffc107'; // update and replace
    const DELETE = '#dc3545';
    expect(drawn).toEqual(
      new Map([
        ['root', GREY],
        ['fake_resource', GREY],
        ['keep', CHANGE],
        ['swap', CHANGE],
        ['new', CREATE],
        ['gone', DELETE],
        ['module', GREY],
        ['app[0]', GREY],
        ['app[1]', GREY],
        ['inner', CREATE],
      ]),
    );
  }, 60_000);
});

/**
 * Runs a Terraform Visual report page (its Next.js export and the plan.js its CLI wrote) in
 * happy-dom and returns each label the graph drew on its canvas with the fill of the box
 * drawn under it. The canvas's 2D context is a recorder: happy-dom draws nothing.
 */
async function drawReport(reportDir: string): Promise<Map<string, string>> {
  const html = readFileSync(join(reportDir, 'index.html'), 'utf8');
  const window = new Window({
    url: 'http://localhost/',
    width: 1200,
    height: 800,
    settings: { disableJavaScriptFileLoading: true, disableCSSFileLoading: true, disableErrorCapturing: false },
  });
  const labels = new Map<string, string>();
  const context = () => {
    const state: Record<string | symbol, unknown> = {};
    return new Proxy(state, {
      get(target, p) {
        if (p in target) return target[p];
        if (p === 'measureText') return (s: string) => ({ width: String(s).length * 7 });
        if (p === 'fill') return () => (target['lastFill'] = target['fillStyle']);
        if (p === 'fillText') return (s: string) => labels.set(String(s), String(target['lastFill']));
        if (p === 'createLinearGradient' || p === 'createRadialGradient' || p === 'createPattern') return () => ({ addColorStop() {} });
        if (p === 'getImageData') return () => ({ data: new Uint8ClampedArray(4) });
        if (typeof p === 'symbol' || p === 'canvas') return undefined;
        return () => {};
      },
      set(target, p, v) {
        target[p] = v;
        return true;
      },
    });
  };
  const w = window as unknown as Record<string, any>;
  w['HTMLCanvasElement'].prototype.getContext = context;
  Object.defineProperty(w['HTMLElement'].prototype, 'clientWidth', { get: () => 1200 });
  Object.defineProperty(w['HTMLElement'].prototype, 'clientHeight', { get: () => 800 });
  // happy-dom keeps no navigation timing; Next.js measures its hydration with it
  w['performance'].mark = () => {};
  w['performance'].measure = () => {};
  window.document.write(html.replace('<script src="./plan.js"></script>', '<script></script>'));
  const scripts = ['plan.js', ...[...html.matchAll(/<script src="\.\/(_next[^"]+)"/g)].map((m) => m[1]!)];
  for (const s of scripts) w['eval'](readFileSync(join(reportDir, s), 'utf8'));
  for (let i = 0; i < 100 && !labels.has('root'); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200));
  await window.happyDOM.close();
  return labels;
}
