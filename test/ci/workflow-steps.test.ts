/**
 * Runs the jobs of examples/ci/hl-plan.yml the way GitHub Actions would, so the workflow
 * cannot rot: every `run:` step in order, with `bash --noprofile --norc -eo pipefail`, in a
 * temporary checkout (dist and node_modules linked in), with the workflow's, job's and
 * step's `env:` (expressions resolved from a small table), $GITHUB_STEP_SUMMARY and
 * $GITHUB_OUTPUT as files, and a stub `npm` and `gh` on the PATH. `uses:` steps are no-ops,
 * except actions/upload-artifact, emulated by copying its files. The config is a
 * fake-provider one of the test's own, given through HL_CONFIG.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { assertBuilt } from '../support/run-hl.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const WORKFLOW_FILE = join(REPO, 'examples/ci/hl-plan.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

interface Job {
  if?: string;
  env?: Record<string, unknown>;
  steps: Step[];
}

interface Workflow {
  env?: Record<string, unknown>;
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, Job>;
}

interface StepResult {
  name: string;
  code: number;
  output: string;
}

interface JobResult {
  steps: StepResult[];
  /** The exit code of the step that failed the job, or 0. */
  code: number;
  summary: string;
  output: string;
}

/** What the workflow's `${{ }}` expressions resolve to in these runs. */
const EXPRESSIONS: Record<string, string> = {
  'github.token': 'test-token',
  'github.repository': 'owner/homelab',
  'github.event.pull_request.number': '42',
  'github.sha': '0123456789abcdef',
};

const CONFIG = `
variables:
  token: { type: string, sensitive: true }
resources:
  fake_resource.web: { name: web, tags: [protected] }
  fake_resource.app: { name: app, value: "\${fake_resource.web.id}", secret: "\${var.token}" }
`;
const SECRET = 'tok-CI-secret-4711';

let dir: string;

function workflow(): Workflow {
  return parse(readFileSync(WORKFLOW_FILE, 'utf8')) as Workflow;
}

function resolve(text: string): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
    if (expr.startsWith('secrets.')) return '';
    const v = EXPRESSIONS[expr];
    if (v === undefined) throw new Error(`the test does not know the expression \${{ ${expr} }}: add it to EXPRESSIONS`);
    return v;
  });
}

function envOf(block: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(block ?? {}).map(([k, v]) => [k, resolve(String(v))]));
}

/** A checkout-like directory: the built hl and its dependencies linked in, stubs for npm and gh. */
function makeCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), 'hl-ci-'));
  for (const entry of ['dist', 'node_modules']) symlinkSync(join(REPO, entry), join(root, entry));
  copyFileSync(join(REPO, 'package.json'), join(root, 'package.json'));
  mkdirSync(join(root, 'ci'));
  writeFileSync(join(root, 'ci', 'homelab.yaml'), CONFIG);
  const stubs = join(root, '.stubs');
  mkdirSync(stubs);
  const stub = (name: string, body: string): void => {
    writeFileSync(join(stubs, name), `#!/usr/bin/env bash\necho "${name} $*" >> "$STUB_LOG"\n${body}`);
    chmodSync(join(stubs, name), 0o755);
  };
  // `npm ci` would reinstall node_modules (linked to the repository's): hl is already built.
  stub('npm', 'exit 0\n');
  // `gh pr comment`: keeps the body; --edit-last fails as when there is no earlier comment.
  stub(
    'gh',
    `while [ $# -gt 0 ]; do
  case "$1" in
    --body-file) cp "$2" "$STUB_DIR/comment.md"; shift ;;
    --edit-last) exit 1 ;;
  esac
  shift
done
exit 0
`,
  );
  return root;
}

function runJob(jobName: string, overrides: Record<string, string>): JobResult {
  const wf = workflow();
  const job = wf.jobs[jobName]!;
  const summaryFile = join(dir, '.github-step-summary.md');
  const outputFile = join(dir, '.github-output');
  writeFileSync(summaryFile, '');
  const base: Record<string, string> = {
    PATH: `${join(dir, '.stubs')}:${process.env['PATH'] ?? ''}`,
    HOME: process.env['HOME'] ?? '/tmp',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_ENV: join(dir, '.github-env'),
    RUNNER_TEMP: join(dir, '.runner-temp'),
    STUB_LOG: join(dir, '.stubs', 'calls.log'),
    STUB_DIR: join(dir, '.stubs'),
  };
  mkdirSync(base['RUNNER_TEMP']!, { recursive: true });
  const steps: StepResult[] = [];
  let output = '';
  for (const [i, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${i + 1}`;
    if (step.if !== undefined) throw new Error(`step "${name}" has an if: the test cannot evaluate it`);
    const env = { ...base, ...envOf(wf.env), ...envOf(job.env), ...envOf(step.env), ...overrides };
    if (step.uses !== undefined) {
      steps.push({ name, code: usesStep(step), output: '' });
      continue;
    }
    const script = join(base['RUNNER_TEMP']!, `step-${i + 1}.sh`);
    writeFileSync(script, step.run ?? '');
    const shell = step.shell ?? wf.defaults?.run?.shell;
    expect(shell, `step "${name}" runs with bash`).toBe('bash');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    const out = `${r.stdout}${r.stderr}`;
    output += `--- ${name}\n${out}`;
    const code = r.status ?? 1;
    steps.push({ name, code, output: out });
    if (code !== 0) return { steps, code, summary: readFileSync(summaryFile, 'utf8'), output };
  }
  return { steps, code: 0, summary: readFileSync(summaryFile, 'utf8'), output };
}

function usesStep(step: Step): number {
  const action = step.uses!.split('@')[0]!;
  if (action === 'actions/checkout' || action === 'actions/setup-node') return 0;
  if (action === 'actions/upload-artifact') {
    const w = step.with ?? {};
    const name = resolve(String(w['name']));
    const target = join(dir, '.artifacts', name);
    mkdirSync(target, { recursive: true });
    for (const path of resolve(String(w['path'])).split('\n').map((p) => p.trim()).filter((p) => p !== '')) {
      if (existsSync(join(dir, path))) copyFileSync(join(dir, path), join(target, path));
      else if (w['if-no-files-found'] !== 'warn' && w['if-no-files-found'] !== 'ignore') return 1;
    }
    return 0;
  }
  throw new Error(`the test does not know the action ${step.uses}`);
}

const PR = { HL_CONFIG: 'ci/homelab.yaml', HL_VAR_token: SECRET };

beforeEach(() => {
  assertBuilt();
  dir = makeCheckout();
});

describe('examples/ci/hl-plan.yml', () => {
  it('is well formed: a pull-request plan job and a main apply job, with no ${{ }} inside run: scripts', () => {
    const wf = workflow() as Workflow & { on: Record<string, unknown> };
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    expect(wf.env?.['HL_CONFIG']).toBe('examples/homelab.yaml');
    expect(wf.jobs['plan']!.if).toContain("'pull_request'");
    expect(wf.jobs['apply']!.if).toContain("'refs/heads/main'");
    for (const job of Object.values(wf.jobs)) for (const s of job.steps) if (s.run !== undefined) expect(s.run).not.toContain('${{');
  });

  it('on a pull request with changes: plans, uploads the plan, writes the summary, comments, and passes (exit 2 is not a failure)', () => {
    const job = runJob('plan', PR);
    expect(job.code, job.output).toBe(0);
    expect(job.steps.map((s) => s.code)).toEqual(job.steps.map(() => 0));
    expect(readFileSync(join(dir, 'plan.exitcode'), 'utf8').trim()).toBe('2');
    expect(readFileSync(join(dir, '.github-output'), 'utf8')).toContain('exitcode=2');

    expect(job.summary).toContain('### Plan: 2 to add, 0 to change, 0 to replace, 0 to destroy');
    expect(job.summary).toContain('`fake_resource.web`');
    expect(job.summary).toContain('<details');

    const artifact = join(dir, '.artifacts', 'hl-plan-pr-42');
    expect(existsSync(join(artifact, 'plan.bin'))).toBe(true);
    expect(existsSync(join(artifact, 'plan.txt'))).toBe(true);
    const saved = readFileSync(join(artifact, 'plan.bin'), 'utf8');
    expect(JSON.parse(saved).hl_plan).toBe(true);
    expect(saved).not.toContain(SECRET);
    expect(job.summary).not.toContain(SECRET);

    const calls = readFileSync(join(dir, '.stubs', 'calls.log'), 'utf8');
    expect(calls).toContain('npm ci');
    expect(calls).toContain('gh pr comment 42 --body-file comment.md');
    const comment = readFileSync(join(dir, '.stubs', 'comment.md'), 'utf8');
    expect(comment).toContain('<!-- hl plan -->');
    expect(comment).toContain('### Plan: 2 to add');
    expect(job.steps.at(-1)!.output).toContain('Changes present');
  });

  it('fails the job with exit code 3 on a policy violation, after uploading, summarising and commenting', () => {
    writeFileSync(join(dir, 'ci', 'policy.yaml'), 'policies:\n  - { rule: max-changes, limit: 1, name: small-changes }\n');
    const job = runJob('plan', { ...PR, HL_POLICY: 'ci/policy.yaml' });
    expect(job.code, job.output).toBe(3);
    expect(job.steps.at(-1)!.name).toBe('Gate on the plan\'s exit code');
    expect(job.steps.at(-1)!.output).toContain('::error::A policy check of severity error failed');
    expect(readFileSync(join(dir, 'plan.exitcode'), 'utf8').trim()).toBe('3');
    expect(job.summary).toContain('### Plan: 2 to add');
    expect(job.summary).toContain('[!CAUTION]');
    expect(job.summary).toContain('> - small-changes: 2 changes, more than the limit of 1');
    expect(existsSync(join(dir, '.artifacts', 'hl-plan-pr-42', 'plan.bin'))).toBe(true);
    expect(readFileSync(join(dir, '.stubs', 'comment.md'), 'utf8')).toContain('[!CAUTION]');
  });

  it('fails the job with exit code 1 when the plan fails, and says so in the summary', () => {
    writeFileSync(join(dir, 'ci', 'homelab.yaml'), 'resources:\n  fake_resource.x: { nme: x }\n');
    const job = runJob('plan', PR);
    expect(job.code, job.output).toBe(1);
    expect(job.steps.at(-1)!.output).toContain('hl plan failed with exit code 1');
    expect(job.summary).toContain('### hl plan failed (exit code 1)');
    expect(existsSync(join(dir, '.artifacts', 'hl-plan-pr-42', 'plan.bin'))).toBe(false);
  });

  it('on a push to main: plans, applies the saved plan; the next pull request then has no changes', () => {
    const apply = runJob('apply', PR);
    expect(apply.code, apply.output).toBe(0);
    expect(apply.output).toContain('Apply complete! Resources: 2 added, 0 changed, 0 replaced, 0 destroyed.');
    expect(apply.output).not.toContain(SECRET);
    expect(apply.summary).toContain('### Plan: 2 to add');
    expect(existsSync(join(dir, '.artifacts', 'hl-plan-0123456789abcdef', 'plan.bin'))).toBe(true);
    expect(existsSync(join(dir, 'homelab.state.json'))).toBe(true);

    const next = runJob('plan', PR);
    expect(next.code, next.output).toBe(0);
    expect(readFileSync(join(dir, 'plan.exitcode'), 'utf8').trim()).toBe('0');
    expect(next.summary).toContain('### No changes');
    expect(next.steps.at(-1)!.output).toContain('No changes.');
  });

  it('on a push to main: applies nothing and fails with exit code 3 when a policy check fails', () => {
    writeFileSync(join(dir, 'ci', 'policy.yaml'), 'policies:\n  - { rule: no-changes-on-node, node: pve }\n  - { rule: max-changes, limit: 0 }\n');
    const apply = runJob('apply', { ...PR, HL_POLICY: 'ci/policy.yaml' });
    expect(apply.code, apply.output).toBe(3);
    expect(apply.output).toContain('nothing was applied');
    expect(apply.output).not.toContain('Apply complete');
    expect(existsSync(join(dir, 'homelab.state.json'))).toBe(false);
  });
});
