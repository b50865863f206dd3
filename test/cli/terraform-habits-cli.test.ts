/**
 * A Terraform user's command lines, as typed, and what hl makes of each: the parsed command
 * and options (most rows, against the parser), a handful run end to end with the built hl
 * against the fake provider, and the refusals: an option hl does not know is an error naming
 * it, never read as something else.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliOptions, parseCommandLine } from '../../src/cli/args.js';
import { helpText } from '../../src/cli/help-text.js';
import { assertBuilt, runHl } from '../support/run-hl.js';

interface Accepted {
  reason: string;
  argv: string[];
  command: string;
  args?: string[];
  options: Partial<CliOptions>;
}

const ACCEPTED: Accepted[] = [
  { reason: 'one target', argv: ['plan', '-target=proxmox_vm.k3s'], command: 'plan', options: { targets: ['proxmox_vm.k3s'] } },
  {
    reason: 'targets as separate words, repeated, a module instance among them',
    argv: ['plan', '-target', 'proxmox_vm.k3s', '-target', 'module.k3s_node["pve"]'],
    command: 'plan',
    options: { targets: ['proxmox_vm.k3s', 'module.k3s_node["pve"]'] },
  },
  { reason: 'replace', argv: ['apply', '-replace=proxmox_vm.k3s[0]'], command: 'apply', options: { replace: ['proxmox_vm.k3s[0]'] } },
  { reason: 'out with =', argv: ['plan', '-out=tfplan'], command: 'plan', options: { out: 'tfplan' } },
  { reason: 'out as a separate word', argv: ['plan', '-out', 'tfplan'], command: 'plan', options: { out: 'tfplan' } },
  {
    reason: 'variables both ways; only the first = splits the option from its value',
    argv: ['plan', '-var', 'a=b', '-var=c=d=e'],
    command: 'plan',
    options: { vars: ['a=b', 'c=d=e'] },
  },
  {
    reason: 'variable files both ways',
    argv: ['plan', '-var-file=prod.yaml', '-var-file', 'extra.yaml'],
    command: 'plan',
    options: { varFiles: ['prod.yaml', 'extra.yaml'] },
  },
  { reason: 'auto-approve', argv: ['apply', '-auto-approve'], command: 'apply', options: { autoApprove: true } },
  { reason: 'a flag with =true, as Go flags allow', argv: ['destroy', '-auto-approve=true'], command: 'destroy', options: { autoApprove: true } },
  { reason: 'refresh off', argv: ['plan', '-refresh=false'], command: 'plan', options: { refresh: false } },
  { reason: 'refresh on', argv: ['plan', '-refresh=true'], command: 'plan', options: { refresh: true } },
  { reason: 'refresh-only', argv: ['apply', '-refresh-only'], command: 'apply', options: { refreshOnly: true } },
  { reason: 'detailed exit code', argv: ['plan', '-detailed-exitcode'], command: 'plan', options: { detailedExitcode: true } },
  { reason: 'lock timeout 30s', argv: ['plan', '-lock-timeout=30s'], command: 'plan', options: { lockTimeoutMs: 30_000 } },
  { reason: 'lock timeout 5m', argv: ['apply', '-lock-timeout=5m'], command: 'apply', options: { lockTimeoutMs: 300_000 } },
  { reason: 'lock timeout 1h', argv: ['plan', '-lock-timeout', '1h'], command: 'plan', options: { lockTimeoutMs: 3_600_000 } },
  { reason: 'lock timeout 0s', argv: ['plan', '-lock-timeout=0s'], command: 'plan', options: { lockTimeoutMs: 0 } },
  { reason: 'a Go duration of two units', argv: ['plan', '-lock-timeout=1m30s'], command: 'plan', options: { lockTimeoutMs: 90_000 } },
  { reason: 'no lock', argv: ['plan', '-lock=false'], command: 'plan', options: { lock: false } },
  { reason: 'parallelism', argv: ['apply', '-parallelism=4'], command: 'apply', options: { parallelism: 4 } },
  { reason: 'json', argv: ['plan', '-json'], command: 'plan', options: { json: true } },
  { reason: 'no color', argv: ['plan', '-no-color'], command: 'plan', options: { color: false } },
  {
    reason: 'input=false in CI: hl never asks for variables, and apply then asks nothing either',
    argv: ['apply', '-input=false', '-auto-approve'],
    command: 'apply',
    options: { input: false, autoApprove: true },
  },
  { reason: 'compact warnings: accepted, no effect', argv: ['plan', '-compact-warnings'], command: 'plan', options: { compactWarnings: true } },
  { reason: 'plan -destroy', argv: ['plan', '-destroy', '-out=destroy.plan'], command: 'plan', options: { destroy: true, out: 'destroy.plan' } },
  { reason: 'apply -destroy (hl destroy)', argv: ['apply', '-destroy', '-auto-approve'], command: 'apply', options: { destroy: true } },
  { reason: 'state file', argv: ['plan', '-state=other.tfstate.json'], command: 'plan', options: { state: 'other.tfstate.json' } },
  { reason: 'chdir before the command', argv: ['-chdir=examples', 'plan'], command: 'plan', options: { chdir: 'examples', config: 'homelab.yaml' } },
  { reason: 'chdir, two dashes and a separate word', argv: ['--chdir', 'examples', 'validate'], command: 'validate', options: { chdir: 'examples' } },
  { reason: 'options before the command', argv: ['-no-color', 'plan'], command: 'plan', options: { color: false } },
  {
    reason: 'a saved plan applied in another directory; the plan file stays a positional',
    argv: ['-chdir=env/prod', 'apply', '-auto-approve', 'tfplan'],
    command: 'apply',
    args: ['tfplan'],
    options: { chdir: 'env/prod', autoApprove: true },
  },
  {
    reason: 'a CI line with everything at once',
    argv: ['-chdir=infra', 'plan', '-input=false', '-lock-timeout=2m', '-var-file=ci.yaml', '-out=tfplan', '-no-color', '-detailed-exitcode'],
    command: 'plan',
    options: { chdir: 'infra', input: false, lockTimeoutMs: 120_000, varFiles: ['ci.yaml'], out: 'tfplan', color: false, detailedExitcode: true },
  },
  { reason: 'import with a var', argv: ['import', '-var=a=b', 'proxmox_vm.x', 'pve/101'], command: 'import', args: ['proxmox_vm.x', 'pve/101'], options: { vars: ['a=b'] } },
  { reason: 'hl’s own long options are unchanged', argv: ['plan', '--target', 'a.b', '--refresh', 'false', '--lock', 'false'], command: 'plan', options: { targets: ['a.b'], refresh: false, lock: false } },
  { reason: 'hl’s -c PATH is unchanged', argv: ['-c', 'lab.yaml', 'plan'], command: 'plan', options: { config: 'lab.yaml' } },
  { reason: 'and -c=PATH', argv: ['plan', '-c=lab'], command: 'plan', options: { config: 'lab' } },
  { reason: 'help the Terraform way', argv: ['plan', '-help'], command: 'plan', options: { help: true } },
  { reason: 'version the Terraform way', argv: ['-version'], command: 'version', options: {} },
  { reason: 'and -v', argv: ['-v'], command: 'version', options: {} },
  { reason: 'a bare lock timeout is seconds, as hl always took it', argv: ['plan', '-lock-timeout=45'], command: 'plan', options: { lockTimeoutMs: 45_000 } },
];

interface Refused {
  reason: string;
  argv: string[];
  /** Every piece the one error must contain. */
  says: string[];
}

const REFUSED: Refused[] = [
  { reason: 'a misspelt -chdir is no longer -c hdri=x', argv: ['-chdri=x', 'plan'], says: ['Unknown option "-chdri"', 'Did you mean "-chdir"?'] },
  { reason: 'misspelt target, one dash', argv: ['plan', '-taget=a.b'], says: ['Unknown option "-taget"', 'Did you mean "-target"?'] },
  { reason: 'misspelt target, two dashes', argv: ['plan', '--taget', 'a.b'], says: ['Unknown option "--taget"', 'Did you mean "--target"?'] },
  { reason: '-c glued to its value', argv: ['-chomelab.yaml', 'plan'], says: ['Unknown option "-chomelab.yaml"', '-c homelab.yaml'] },
  { reason: 'target without a value', argv: ['plan', '-target'], says: ['Option "-target" needs a value', '-target=ADDR'] },
  { reason: 'an empty value', argv: ['plan', '-out=', 'x'], says: ['Option "-out" needs a value'] },
  { reason: 'target whose next word is an option', argv: ['plan', '-target', '-auto-approve'], says: ['Option "-target" needs a value'] },
  { reason: 'parallelism 0', argv: ['plan', '-parallelism=0'], says: ['Invalid value for -parallelism: "0"', '≥ 1'] },
  { reason: 'lock timeout not a duration', argv: ['plan', '-lock-timeout=abc'], says: ['Invalid value for -lock-timeout: "abc"', '30s'] },
  { reason: 'refresh neither true nor false', argv: ['plan', '-refresh=maybe'], says: ['Invalid value for -refresh: "maybe"', 'true or false'] },
  { reason: 'a flag with a word value', argv: ['apply', '-auto-approve=sure'], says: ['Invalid value for -auto-approve: "sure"'] },
  { reason: 'state-out: hl writes back where it read', argv: ['apply', '-state-out=x.json'], says: ['hl has no option "-state-out"', '--state PATH'] },
  { reason: 'plan does not approve', argv: ['plan', '-auto-approve'], says: ['Option "-auto-approve" does not apply to "hl plan"'] },
  { reason: 'detailed exit code is for plan', argv: ['apply', '-detailed-exitcode'], says: ['Option "-detailed-exitcode" does not apply to "hl apply"'] },
  { reason: 'destroy and refresh-only contradict', argv: ['plan', '-destroy', '-refresh-only'], says: ['-destroy and -refresh-only cannot be used together'] },
  {
    reason: 'a flag is not followed by its value as a separate word (Go flags do not allow it either)',
    argv: ['plan', '-detailed-exitcode', 'true'],
    says: ['"hl plan" takes no arguments, but was given "true"', 'after "="'],
  },
  { reason: 'the old terraform plan DIR', argv: ['plan', 'infra'], says: ['"hl plan" takes no arguments', '-chdir=infra'] },
  { reason: 'options and no command', argv: ['-json'], says: ['Option "-json" needs a command'] },
  { reason: 'an unknown option before an unknown command is named first', argv: ['-upgrade', 'init'], says: ['Unknown option "-upgrade"'] },
];

describe('Terraform command lines, parsed', () => {
  it.each(ACCEPTED)('$reason: hl $argv', ({ argv, command, args, options }) => {
    const { parsed, diagnostics } = parseCommandLine(argv);
    expect(diagnostics).toEqual([]);
    expect(parsed?.command).toBe(command);
    expect(parsed?.args).toEqual(args ?? []);
    expect(parsed?.options).toMatchObject(options);
  });

  it.each(REFUSED)('refused, $reason: hl $argv', ({ argv, says }) => {
    const { diagnostics } = parseCommandLine(argv);
    expect(diagnostics).toHaveLength(1);
    const text = `${diagnostics[0]!.summary} ${diagnostics[0]!.detail ?? ''}`;
    for (const s of says) expect(text).toContain(s);
  });

  it('the rows cover at least 30 Terraform invocations', () => {
    expect(ACCEPTED.length + REFUSED.length).toBeGreaterThanOrEqual(30);
  });

  it('help says what the Terraform spellings do', () => {
    const main = helpText();
    for (const s of ['-chdir=DIR', 'one dash', '-input=false', '-compact-warnings']) expect(main).toContain(s);
    expect(helpText('plan')).toContain('-destroy');
  });
});

const CONFIG = 'providers:\n  fake: {}\nvariables:\n  b_name: { type: string, default: b }\nresources:\n  fake_resource.a: { name: a }\n  fake_resource.b: { name: "${var.b_name}" }\n';

/** A directory holding a project in `infra/`, so each run starts outside it and needs -chdir. */
function workspace(): { root: string; infra: string } {
  const root = mkdtempSync(join(tmpdir(), 'hl-tf-habits-'));
  const infra = join(root, 'infra');
  mkdirSync(infra);
  writeFileSync(join(infra, 'homelab.yaml'), CONFIG);
  return { root, infra };
}

function addresses(infra: string): string[] {
  const state = JSON.parse(readFileSync(join(infra, 'homelab.state.json'), 'utf8')) as { resources: { address?: string; type: string; name: string }[] };
  return state.resources.map((r) => r.address ?? `${r.type}.${r.name}`).sort();
}

describe('Terraform command lines, run', () => {
  beforeAll(() => assertBuilt());

  it('-chdir=infra plan -out=tfplan then -chdir=infra apply tfplan: the plan, state and .hl are in infra, the -var and -target honoured', async () => {
    const { root, infra } = workspace();
    const planned = await runHl(['-chdir=infra', '-no-color', 'plan', '-target=fake_resource.b', '-var', 'b_name=bee', '-out=tfplan'], { cwd: root });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('name   = "bee"');
    expect(planned.stdout).not.toContain('fake_resource.a');
    expect(existsSync(join(infra, 'tfplan'))).toBe(true);
    expect(existsSync(join(root, 'tfplan'))).toBe(false);
    const applied = await runHl(['--chdir', 'infra', 'apply', '-no-color', 'tfplan'], { cwd: root });
    expect(applied.code).toBe(0);
    expect(addresses(infra)).toEqual(['fake_resource.b']);
    expect(existsSync(join(infra, '.hl'))).toBe(true);
    for (const f of ['homelab.state.json', '.hl', 'homelab.state.json.plankey']) expect(existsSync(join(root, f))).toBe(false);
  });

  it('plan -detailed-exitcode -refresh=false -lock-timeout=5s exits 2 with changes; apply -auto-approve -parallelism=1 then exits 0', async () => {
    const { infra } = workspace();
    const planned = await runHl(['plan', '-detailed-exitcode', '-refresh=false', '-lock-timeout=5s', '-compact-warnings'], { cwd: infra });
    expect(planned.code).toBe(2);
    expect((await runHl(['apply', '-auto-approve', '-parallelism=1', '-input=false'], { cwd: infra })).code).toBe(0);
    expect((await runHl(['plan', '-detailed-exitcode'], { cwd: infra })).code).toBe(0);
  });

  it('plan -destroy -out=d.plan, then apply d.plan destroys; apply -destroy -auto-approve is hl destroy', async () => {
    const { infra } = workspace();
    expect((await runHl(['apply', '-auto-approve'], { cwd: infra })).code).toBe(0);
    const planned = await runHl(['plan', '-destroy', '-out=d.plan', '-no-color'], { cwd: infra });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('0 to add, 0 to change, 0 to replace, 2 to destroy');
    expect(addresses(infra)).toHaveLength(2);
    const applied = await runHl(['apply', 'd.plan', '-no-color'], { cwd: infra });
    expect(applied.code).toBe(0);
    expect(addresses(infra)).toEqual([]);
    expect((await runHl(['apply', '-auto-approve'], { cwd: infra })).code).toBe(0);
    const destroyed = await runHl(['apply', '-destroy', '-auto-approve', '-no-color'], { cwd: infra });
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toContain('Destroy complete!');
    expect(addresses(infra)).toEqual([]);
  });

  it('apply -input=false without -auto-approve asks nothing and changes nothing, saying so', async () => {
    const { infra } = workspace();
    const r = await runHl(['apply', '-input=false'], { cwd: infra, input: 'yes\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('-input=false means hl asks nothing, so nothing was changed. Add -auto-approve.');
    expect(r.stderr).not.toContain('Only "yes" is accepted');
    expect(existsSync(join(infra, 'homelab.state.json'))).toBe(false);
  });

  it('refusals exit 1 with the message and no stack: unknown option, -chdir to a missing directory', async () => {
    const { root } = workspace();
    const typo = await runHl(['-chdri=infra', 'plan'], { cwd: root });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('Unknown option "-chdri"');
    expect(typo.stderr).toContain('Did you mean "-chdir"?');
    const missing = await runHl(['-chdir=nowhere', 'plan'], { cwd: root });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Cannot run in directory "nowhere" (-chdir): it does not exist');
    const file = await runHl(['-chdir=infra/homelab.yaml', 'plan'], { cwd: root });
    expect(file.code).toBe(1);
    expect(file.stderr).toContain('it is not a directory');
    for (const r of [typo, missing, file]) expect(r.stderr).not.toMatch(/internal error|\n {4}at /);
  });
});
