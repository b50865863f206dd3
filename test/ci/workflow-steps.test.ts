/**
 * Runs the jobs of examples/ci/hl.yml the way GitHub Actions would, so the workflow cannot
 * rot: every `run:` step in order, with `bash --noprofile --norc -eo pipefail`, in a
 * temporary checkout of a user's infra repository (a runner), with the workflow's, job's and
 * step's `env:` (expressions resolved from a small table), GitHub's default variables,
 * $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT as files, and stubs on the PATH:
 *
 * - `npm install --global PKG` puts an `hl` on the PATH that runs this repository's build;
 * - `gh api` answers from a fake GitHub (a JSON file of pull-request comments shared by all
 *   runners, served in pages of 2) and records every call;
 * - actions/upload-artifact and actions/download-artifact copy files to and from the
 *   workflow run's artifact directory; checkout and setup-node do nothing.
 *
 * The state lives in a real PostgreSQL database (test/support/pg.ts) through HL_PG_CONN_STR,
 * so a plan made on one runner is applied on another.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createTestDatabase, describeWithPg, type TestDatabase } from '../support/pg.js';
import { assertBuilt } from '../support/run-hl.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const WORKFLOW_FILE = join(REPO, 'examples/ci/hl.yml');
const HL_CLI = join(REPO, 'dist/src/cli/main.js');
const HL_PACKAGE = 'https://github.com/example/hl/releases/download/v0.1.0/hl-0.1.0.tgz';
const REPOSITORY = 'owner/homelab';
/** The actions' commits, looked up in their repositories (git rev-list -n1 TAG): a full SHA each, with its tag. */
const PINS: Record<string, [string, string]> = {
  'actions/checkout': ['11d5960a326750d5838078e36cf38b85af677262', 'v4.4.0'],
  'actions/setup-node': ['49933ea5288caeca8642d1e84afbd3f7d6820020', 'v4.4.0'],
  'actions/upload-artifact': ['ea165f8d65b6e75b540449e92b4886f43607fa02', 'v4.6.2'],
  'actions/download-artifact': ['d3f86a106a0bac45b974a628896c90dbdf5c8093', 'v4.3.0'],
};
const MARKER = '<!-- hl-plan:hl:ci/homelab.yaml -->';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

interface Job {
  if?: string;
  needs?: string;
  environment?: string;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  env?: Record<string, unknown>;
  steps: Step[];
}

interface Workflow {
  on: Record<string, unknown>;
  concurrency: { group: string; 'cancel-in-progress': string | boolean };
  permissions?: Record<string, string>;
  env?: Record<string, unknown>;
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, Job>;
}

/** One workflow run: its event, its artifacts (shared by its jobs) and its secrets. */
interface WorkflowRun {
  event: 'pull_request' | 'push';
  id: number;
  artifacts: string;
  secrets: Record<string, string>;
  vars: Record<string, string>;
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
  /** What the steps wrote to $GITHUB_OUTPUT, by step id. */
  stepOutputs: Record<string, Record<string, string>>;
}

interface Comment {
  id: number;
  issue: number;
  user: { login: string; type: string };
  body: string;
}

// The fake provider's world (the "homelab") is shared by every runner: ../../ is the scratch directory.
const CONFIG = `
providers:
  fake: { world: ../../homelab-world.jsonl }
variables:
  token: { type: string, sensitive: true }
resources:
  fake_resource.web: { name: web, tags: [protected] }
  fake_resource.app: { name: app, value: "\${fake_resource.web.id}", secret: "\${var.token}" }
`;
const SECRET = 'tok-CI-secret-4711';
const PR_NUMBER = 42;

let scratch: string;
let github: string;
let runIds = 0;

function workflow(): Workflow {
  return parse(readFileSync(WORKFLOW_FILE, 'utf8')) as Workflow;
}

function expressions(run: WorkflowRun): Record<string, string> {
  return {
    'github.token': 'test-token',
    'github.workflow': 'hl',
    'github.event_name': run.event,
    'github.event.pull_request.number': run.event === 'pull_request' ? String(PR_NUMBER) : '',
    ...Object.fromEntries(Object.entries(run.vars).map(([k, v]) => [`vars.${k}`, v])),
  };
}

function resolve(text: string, run: WorkflowRun): string {
  const table = expressions(run);
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
    if (expr.startsWith('secrets.')) return run.secrets[expr.slice('secrets.'.length)] ?? '';
    const v = table[expr];
    if (v === undefined) throw new Error(`the test does not know the expression \${{ ${expr} }}: add it to expressions()`);
    return v;
  });
}

/** The step conditions the test can evaluate. */
function stepRuns(condition: string, run: WorkflowRun): boolean {
  if (condition === "github.event_name == 'pull_request'") return run.event === 'pull_request';
  throw new Error(`the test cannot evaluate the step condition "${condition}"`);
}

function envOf(block: Record<string, unknown> | undefined, run: WorkflowRun): Record<string, string> {
  return Object.fromEntries(Object.entries(block ?? {}).map(([k, v]) => [k, resolve(String(v), run)]));
}

function newRun(event: WorkflowRun['event'], secrets: Record<string, string>, vars: Record<string, string> = { HL_PACKAGE }): WorkflowRun {
  const id = ++runIds;
  const artifacts = join(scratch, `run-${id}-artifacts`);
  mkdirSync(artifacts);
  return { event, id, artifacts, secrets, vars };
}

/** A fresh checkout of the user's infra repository on a fresh runner, with stub npm and gh. */
function makeRunner(config = CONFIG): string {
  const root = mkdtempSync(join(scratch, 'runner-'));
  mkdirSync(join(root, 'ci'));
  writeFileSync(join(root, 'ci', 'homelab.yaml'), config);
  const stubs = join(root, '.stubs');
  mkdirSync(stubs);
  const stub = (name: string, body: string): void => {
    writeFileSync(join(stubs, name), `#!/usr/bin/env bash\n${body}`);
    chmodSync(join(stubs, name), 0o755);
  };
  // npm install --global PKG: installs "hl", which runs this repository's build.
  stub(
    'npm',
    `echo "npm $*" >> "$STUB_LOG"
if [ "$1" = install ] && [ "$2" = --global ]; then
  printf '#!/usr/bin/env bash\\nexec node %q "$@"\\n' "$HL_TEST_CLI" > "$STUB_DIR/hl"
  chmod +x "$STUB_DIR/hl"
  exit 0
fi
echo "npm stub: unexpected npm $*" >&2
exit 1
`,
  );
  stub('gh', `exec node "$FAKE_GITHUB/gh.cjs" "$@"\n`);
  return root;
}

/** `gh api` against the fake GitHub's pull-request comments; every call goes to calls.jsonl. */
const GH_STUB = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const home = process.env.FAKE_GITHUB;
const args = process.argv.slice(2);
fs.appendFileSync(path.join(home, 'calls.jsonl'), JSON.stringify(args) + '\n');
const fail = (msg, code = 1) => { process.stderr.write('gh: ' + msg + '\n'); process.exit(code); };
if (!process.env.GH_TOKEN) fail('set the GH_TOKEN environment variable', 4);
if (args[0] !== 'api') fail('the stub knows only "gh api"');
let method = 'GET', endpoint, paginate = false;
const fields = {};
for (let i = 1; i < args.length; i++) {
  const a = args[i];
  if (a === '--method' || a === '-X') method = args[++i];
  else if (a === '--paginate') paginate = true;
  else if (a === '-F' || a === '--field') {
    const [k, ...rest] = args[++i].split('=');
    const v = rest.join('=');
    fields[k] = v.startsWith('@') ? fs.readFileSync(v.slice(1), 'utf8') : v;
  } else if (a.startsWith('-')) fail('the stub does not know ' + a);
  else if (endpoint === undefined) endpoint = a;
  else fail('two endpoints');
}
const dbFile = path.join(home, 'github.json');
const db = JSON.parse(fs.readFileSync(dbFile, 'utf8'));
const [route, query = ''] = endpoint.split('?');
const repo = process.env.GITHUB_REPOSITORY;
let m;
if (method === 'GET' && (m = route.match(/^repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/)) && m[1] === repo) {
  const all = db.comments.filter((c) => c.issue === Number(m[2]));
  const size = Math.min(Number(new URLSearchParams(query).get('per_page') || 30), db.pageSize);
  const pages = [];
  for (let i = 0; i < all.length || i === 0; i += size) pages.push(all.slice(i, i + size));
  process.stdout.write((paginate ? pages : pages.slice(0, 1)).map((p) => JSON.stringify(p)).join(''));
} else if (method === 'POST' && (m = route.match(/^repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/)) && m[1] === repo) {
  if (typeof fields.body !== 'string') fail('no body');
  const c = { id: db.nextId++, issue: Number(m[2]), user: { login: 'github-actions[bot]', type: 'Bot' }, body: fields.body };
  db.comments.push(c);
  fs.writeFileSync(dbFile, JSON.stringify(db));
  process.stdout.write(JSON.stringify(c));
} else if (method === 'PATCH' && (m = route.match(/^repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/)) && m[1] === repo) {
  const c = db.comments.find((x) => x.id === Number(m[2]));
  if (!c) fail('HTTP 404: Not Found');
  c.body = fields.body;
  fs.writeFileSync(dbFile, JSON.stringify(db));
  process.stdout.write(JSON.stringify(c));
} else fail('HTTP 404: Not Found (' + method + ' ' + endpoint + ')');
`;

/** Comments already on the pull request: a person's and another workflow's, so the fake GitHub's pages matter. */
const OTHERS: Comment[] = [
  { id: 1, issue: PR_NUMBER, user: { login: 'alice', type: 'User' }, body: 'Looks good to me.' },
  { id: 2, issue: PR_NUMBER, user: { login: 'github-actions[bot]', type: 'Bot' }, body: '<!-- hl-plan:other:ci/homelab.yaml -->\nanother workflow' },
  { id: 3, issue: PR_NUMBER, user: { login: 'github-actions[bot]', type: 'Bot' }, body: 'A coverage report.' },
];

function makeGitHub(): void {
  github = join(scratch, 'github');
  mkdirSync(github);
  writeFileSync(join(github, 'gh.cjs'), GH_STUB);
  writeFileSync(join(github, 'github.json'), JSON.stringify({ nextId: 100, pageSize: 2, comments: OTHERS }));
  writeFileSync(join(github, 'calls.jsonl'), '');
}

function comments(): Comment[] {
  return (JSON.parse(readFileSync(join(github, 'github.json'), 'utf8')) as { comments: Comment[] }).comments;
}

function ghCalls(): string[][] {
  return readFileSync(join(github, 'calls.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as string[]);
}

function writes(calls: string[][]): string[] {
  return calls.filter((c) => c.includes('--method')).map((c) => `${c[c.indexOf('--method') + 1]} ${c.find((a) => a.startsWith('repos/'))}`);
}

function runJob(jobName: string, dir: string, run: WorkflowRun, overrides: Record<string, string> = {}): JobResult {
  const wf = workflow();
  const job = wf.jobs[jobName]!;
  const summaryFile = join(dir, '.github-step-summary.md');
  const outputFile = join(dir, '.github-output');
  writeFileSync(summaryFile, '');
  writeFileSync(outputFile, '');
  const stubs = join(dir, '.stubs');
  const base: Record<string, string> = {
    PATH: `${stubs}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '/tmp',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKFLOW: 'hl',
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: String(run.id),
    GITHUB_SHA: 'c0ffee0123456789c0ffee0123456789c0ffee01',
    GITHUB_EVENT_NAME: run.event,
    GITHUB_REF: run.event === 'push' ? 'refs/heads/main' : `refs/pull/${PR_NUMBER}/merge`,
    GITHUB_WORKSPACE: dir,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ENV: join(dir, '.github-env'),
    RUNNER_TEMP: join(dir, '.runner-temp'),
    STUB_LOG: join(stubs, 'calls.log'),
    STUB_DIR: stubs,
    FAKE_GITHUB: github,
    HL_TEST_CLI: HL_CLI,
  };
  mkdirSync(base.RUNNER_TEMP!, { recursive: true });
  const steps: StepResult[] = [];
  const stepOutputs: Record<string, Record<string, string>> = {};
  let output = '';
  const result = (code: number): JobResult => ({ steps, code, summary: readFileSync(summaryFile, 'utf8'), output, stepOutputs });
  for (const [i, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${i + 1}`;
    if (step.if !== undefined && !stepRuns(step.if, run)) continue;
    if (step.uses !== undefined) {
      const code = usesStep(step, dir, run);
      steps.push({ name, code, output: '' });
      if (code !== 0) return result(code);
      continue;
    }
    const env = { ...base, GITHUB_OUTPUT: outputFile, ...envOf(wf.env, run), ...envOf(job.env, run), ...envOf(step.env, run), ...overrides };
    const script = join(base.RUNNER_TEMP!, `step-${i + 1}.sh`);
    writeFileSync(script, step.run ?? '');
    writeFileSync(outputFile, '');
    const shell = step.shell ?? wf.defaults?.run?.shell;
    expect(shell, `step "${name}" runs with bash`).toBe('bash');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    const out = `${r.stdout}${r.stderr}`;
    output += `--- ${name}\n${out}`;
    if (step.id !== undefined) {
      stepOutputs[step.id] = Object.fromEntries(
        readFileSync(outputFile, 'utf8')
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    }
    const code = r.status ?? 1;
    steps.push({ name, code, output: out });
    if (code !== 0) return result(code);
  }
  return result(0);
}

function usesStep(step: Step, dir: string, run: WorkflowRun): number {
  const action = step.uses!.split('@')[0]!;
  const w = step.with ?? {};
  if (action === 'actions/checkout' || action === 'actions/setup-node') return 0;
  if (action === 'actions/upload-artifact') {
    const target = join(run.artifacts, resolve(String(w.name), run));
    // v4: an artifact's name is unique within a workflow run.
    if (existsSync(target)) return 1;
    mkdirSync(target);
    for (const path of resolve(String(w.path), run)
      .split('\n')
      .map((p) => p.trim())
      .filter((p) => p !== '')) {
      if (existsSync(join(dir, path))) copyFileSync(join(dir, path), join(target, path));
      else if (w['if-no-files-found'] !== 'warn' && w['if-no-files-found'] !== 'ignore') return 1;
    }
    return 0;
  }
  if (action === 'actions/download-artifact') {
    expect(w.path, 'downloads into the workspace').toBeUndefined();
    const source = join(run.artifacts, resolve(String(w.name), run));
    if (!existsSync(source)) return 1;
    for (const f of readdirSync(source)) copyFileSync(join(source, f), join(dir, f));
    return 0;
  }
  throw new Error(`the test does not know the action ${step.uses}`);
}

const VARS = { HL_CONFIG: 'ci/homelab.yaml', HL_VAR_token: SECRET };

beforeAll(() => {
  assertBuilt();
});

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'hl-ci-'));
  runIds = 0;
  makeGitHub();
});

afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('examples/ci/hl.yml', () => {
  it('is well formed: plan on pull requests and pushes to main, an approved apply job, minimal permissions, concurrency, no ${{ }} in run: scripts', () => {
    const wf = workflow();
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.plan!.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(wf.jobs.apply!.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.plan!.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(wf.jobs.apply!.needs).toBe('plan');
    expect(wf.jobs.apply!.environment).toBe('production');
    expect(wf.jobs.apply!.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main' && needs.plan.outputs.exitcode == '2'");
    expect(wf.jobs.plan!.outputs).toEqual({ exitcode: '${{ steps.plan.outputs.exitcode }}' });
    expect(wf.concurrency.group).toContain("format('hl-plan-{0}-pr-{1}', github.workflow, github.event.pull_request.number) || 'hl-apply'");
    expect(wf.concurrency['cancel-in-progress']).toBe("${{ github.event_name == 'pull_request' }}");
    expect(wf.jobs.plan!.env?.HL_PG_CONN_STR).toBe('${{ secrets.HL_PG_CONN_STR }}');
    for (const job of Object.values(wf.jobs)) {
      for (const s of job.steps) {
        if (s.run === undefined) continue;
        expect(s.run).not.toContain('${{');
        // `gh pr comment --edit-last` edits the last comment of the token's user: another workflow's.
        expect(s.run).not.toContain('gh pr comment');
      }
    }
    const text = readFileSync(WORKFLOW_FILE, 'utf8');
    const uses = [...text.matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)].map(([, ref, comment]) => `${ref}${comment}`);
    expect(new Set(uses)).toEqual(new Set(Object.entries(PINS).map(([action, [sha, tag]]) => `${action}@${sha} # ${tag}`)));
    expect(text).toMatch(/node-version: 22\n/);
  });

  it('refuses to install an unpinned hl', () => {
    const dir = makeRunner();
    const job = runJob('plan', dir, newRun('pull_request', {}, { HL_PACKAGE: 'hl@latest' }), VARS);
    expect(job.code, job.output).toBe(1);
    expect(job.steps.at(-1)!.name).toBe('Install hl');
    expect(job.output).toContain('::error::Set the repository variable HL_PACKAGE to an exact hl version');
  });
});

describeWithPg('examples/ci/hl.yml against PostgreSQL', () => {
  let db: TestDatabase;
  let secrets: Record<string, string>;

  beforeEach(async () => {
    db = await createTestDatabase('ci');
    secrets = { HL_PG_CONN_STR: db.url };
  });

  afterEach(async () => {
    await db.drop();
  });

  it('on a pull request: plans, uploads the plan, summarises, posts its own comment; the next run updates that comment and leaves the others alone', () => {
    const dir = makeRunner();
    const job = runJob('plan', dir, newRun('pull_request', secrets), VARS);
    expect(job.code, job.output).toBe(0);
    expect(job.stepOutputs.plan).toEqual({ exitcode: '2' });
    expect(readFileSync(join(dir, '.stubs', 'calls.log'), 'utf8')).toBe(`npm install --global --no-audit --no-fund ${HL_PACKAGE}\n`);
    expect(job.summary).toContain('### Plan: 2 to add, 0 to change, 0 to replace, 0 to destroy');
    expect(job.summary).toContain('`fake_resource.web`');
    expect(job.summary).toContain('Plan: 2 to add, 0 to change, 0 to replace, 0 to destroy.\n');
    expect(job.steps.at(-1)!.output).toContain('Changes present');

    const artifact = join(scratch, 'run-1-artifacts', 'hl-plan');
    expect(readdirSync(artifact).sort()).toEqual(['plan.exitcode', 'plan.hlplan', 'plan.txt']);
    const saved = readFileSync(join(artifact, 'plan.hlplan'), 'utf8');
    expect(saved).not.toContain(SECRET);
    expect(job.summary).not.toContain(SECRET);

    let calls = ghCalls();
    expect(calls[0]).toEqual(['api', '--paginate', `repos/${REPOSITORY}/issues/${PR_NUMBER}/comments?per_page=100`]);
    expect(writes(calls)).toEqual([`POST repos/${REPOSITORY}/issues/${PR_NUMBER}/comments`]);
    const [mine] = comments().filter((c) => c.id >= 100);
    expect(mine!.body.startsWith(`${MARKER}\n### Plan: 2 to add`)).toBe(true);
    expect(mine!.body).toContain('/actions/runs/');

    // The pull request changes; its next plan updates the same comment.
    writeFileSync(join(dir, 'ci', 'homelab.yaml'), `${CONFIG}  fake_resource.db: { name: db }\n`);
    writeFileSync(join(github, 'calls.jsonl'), '');
    const again = runJob('plan', dir, newRun('pull_request', secrets), VARS);
    expect(again.code, again.output).toBe(0);
    calls = ghCalls();
    expect(writes(calls)).toEqual([`PATCH repos/${REPOSITORY}/issues/comments/${mine!.id}`]);
    expect(again.output).toContain(`Updated comment ${mine!.id}.`);
    const after = comments();
    expect(after.length).toBe(OTHERS.length + 1);
    expect(after.slice(0, OTHERS.length)).toEqual(OTHERS);
    expect(after.at(-1)!.body.startsWith(`${MARKER}\n### Plan: 3 to add`)).toBe(true);
  });

  it('fails the plan job with exit code 3 on a policy violation, after uploading, summarising and commenting', () => {
    const dir = makeRunner();
    writeFileSync(join(dir, 'ci', 'policy.yaml'), 'policies:\n  - { rule: max-changes, limit: 1, name: small-changes }\n');
    const job = runJob('plan', dir, newRun('pull_request', secrets), { ...VARS, HL_POLICY: 'ci/policy.yaml' });
    expect(job.code, job.output).toBe(3);
    expect(job.steps.at(-1)!.name).toBe("Gate on the plan's exit code");
    expect(job.steps.at(-1)!.output).toContain('::error::A policy check of severity error failed');
    expect(job.summary).toContain('[!CAUTION]');
    expect(job.summary).toContain('> - small-changes: 2 changes, more than the limit of 1');
    expect(existsSync(join(scratch, 'run-1-artifacts', 'hl-plan', 'plan.hlplan'))).toBe(true);
    expect(comments().at(-1)!.body).toContain('[!CAUTION]');
  });

  it('fails the plan job with exit code 1 on an error, and without the HL_PG_CONN_STR secret', () => {
    const dir = makeRunner('resources:\n  fake_resource.x: { nme: x }\n');
    const job = runJob('plan', dir, newRun('pull_request', secrets), VARS);
    expect(job.code, job.output).toBe(1);
    expect(job.steps.at(-1)!.output).toContain('hl plan failed with exit code 1');
    expect(job.summary).toContain('### hl plan failed (exit code 1)');
    expect(comments().at(-1)!.body).toContain('### hl plan failed (exit code 1)');

    const unset = runJob('plan', makeRunner(), newRun('pull_request', {}), VARS);
    expect(unset.code, unset.output).toBe(1);
    expect(unset.steps.at(-1)!.name).toBe('Plan');
    expect(unset.output).toContain('::error::The secret HL_PG_CONN_STR is not set');
  });

  it('on a push to main: the apply job applies, on another runner, the plan the plan job saved; a stale plan is refused; the next pull request has no changes', () => {
    const push = newRun('push', secrets);
    const planner = makeRunner();
    const plan = runJob('plan', planner, push, VARS);
    expect(plan.code, plan.output).toBe(0);
    expect(plan.stepOutputs.plan).toEqual({ exitcode: '2' });
    expect(plan.steps.map((s) => s.name)).not.toContain('Comment on the pull request');
    expect(ghCalls()).toEqual([]);

    // Another runner: a fresh checkout with no .hl/ of its own; plan key and state come from PostgreSQL.
    const applier = makeRunner();
    const apply = runJob('apply', applier, push, VARS);
    expect(apply.code, apply.output).toBe(0);
    expect(apply.output).toContain('Apply complete! Resources: 2 added, 0 changed, 0 replaced, 0 destroyed.');
    expect(apply.output).not.toContain(SECRET);
    expect(apply.summary).toContain('### Plan: 2 to add');

    // Re-running the apply job with the same (now stale) plan applies nothing.
    const rerun = runJob('apply', applier, push, VARS);
    expect(rerun.code, rerun.output).toBe(1);
    expect(rerun.output).toContain('is stale: the state changed since it was made');
    expect(rerun.output).toContain('::error::The saved plan is stale');

    const next = runJob('plan', makeRunner(), newRun('pull_request', secrets), VARS);
    expect(next.code, next.output).toBe(0);
    expect(next.stepOutputs.plan).toEqual({ exitcode: '0' });
    expect(next.summary).toContain('### No changes');
    expect(next.steps.at(-1)!.output).toContain('No changes.');
    expect(comments().at(-1)!.body).toContain('### No changes');
  });
});
