/**
 * The commands a Terraform user reaches for, run with the built hl against the fake
 * provider: output (the Terraform form, -raw, -json), state list --json, providers, version,
 * console, fmt and completion.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../bench/torture/hl-process.js';
import { assertBuilt, runHl } from '../support/run-hl.js';

const SECRET = 'tok-QWERTY-secret';

const CONFIG = `providers:
  fake: {}
variables:
  token: { type: string, sensitive: true }
locals:
  nodes:
    pve: { vmid: 101 }
    pve2: { vmid: 102 }
modules:
  k3s_node:
    source: ./modules/node
    for_each: "\${local.nodes}"
    name: "\${each.key}"
    vmid: "\${each.value.vmid}"
resources:
  fake_resource.base: { name: base, value: 1 }
  fake_resource.app:
    name: app
    value: "\${fake_resource.base.id}"
    secret: "\${var.token}"
outputs:
  base_id: { value: "\${fake_resource.base.id}" }
  count: { value: 3 }
  enabled: { value: true }
  names: { value: ["\${fake_resource.base.name}", "\${fake_resource.app.name}"] }
  tags: { value: { env: prod, "two words": x } }
  token: { value: "\${var.token}", sensitive: true }
`;

const MODULE = `variables:
  name: { type: string }
  vmid: { type: number }
resources:
  fake_resource.this: { name: "node-\${var.name}", value: "\${var.vmid}" }
outputs:
  vm_id: { value: "\${fake_resource.this.id}" }
  vmid: { value: "\${var.vmid}" }
`;

let dir: string;
const hl = (args: string[], input?: string) =>
  runHl(args, { cwd: dir, env: { HL_VAR_token: SECRET }, ...(input !== undefined ? { input } : {}) });

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'hl-cmds-'));
  writeFileSync(join(dir, 'homelab.yaml'), CONFIG);
  mkdirSync(join(dir, 'modules', 'node'), { recursive: true });
  writeFileSync(join(dir, 'modules', 'node', 'main.yaml'), MODULE);
  const applied = await hl(['apply', '-auto-approve']);
  expect(applied.stderr).toBe('');
  expect(applied.code).toBe(0);
}, 60_000);

describe('hl output', () => {
  it('prints the Outputs: block after apply as Terraform does, lists and maps over several lines, the secret as <sensitive>', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), CONFIG.replace('value: 3', 'value: 4'));
    const r = await hl(['apply', '-auto-approve']);
    writeFileSync(join(dir, 'homelab.yaml'), CONFIG);
    await hl(['apply', '-auto-approve']);
    expect(r.code).toBe(0);
    const block = r.stdout.slice(r.stdout.indexOf('Outputs:'));
    expect(block).toMatch(
      new RegExp(
        [
          'Outputs:',
          '',
          'base_id = "fake-\\d+"',
          'count = 4',
          'enabled = true',
          'names = \\[',
          '  "base",',
          '  "app",',
          '\\]',
          'tags = \\{',
          '  "env" = "prod"',
          '  "two words" = "x"',
          '\\}',
          'token = <sensitive>',
          '',
        ].join('\n'),
      ),
    );
    expect(r.stdout).not.toContain(SECRET);
  });

  it('hl output prints the same block; one output by name in HCL form', async () => {
    const all = await hl(['output']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('count = 3\nenabled = true\nnames = [\n  "base",\n  "app",\n]\n');
    expect(all.stdout).toContain('token = <sensitive>\n');
    expect(all.stdout).not.toContain(SECRET);
    expect((await hl(['output', 'names'])).stdout).toBe('[\n  "base",\n  "app",\n]\n');
    expect((await hl(['output', 'token'])).stdout).toBe('<sensitive>\n');
  });

  it('-raw prints a string, number or bool bare with no newline, and refuses a list or a map', async () => {
    expect((await hl(['output', '-raw', 'base_id'])).stdout).toMatch(/^fake-\d+$/);
    expect((await hl(['output', '-raw', 'count'])).stdout).toBe('3');
    expect((await hl(['output', '-raw', 'enabled'])).stdout).toBe('true');
    // as Terraform, -raw is how a script reads a secret on purpose
    expect((await hl(['output', '-raw', 'token'])).stdout).toBe(SECRET);
    for (const [name, kind] of [
      ['names', 'a list'],
      ['tags', 'a map'],
    ]) {
      const r = await hl(['output', '-raw', name!]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`Unsupported value for raw output: output "${name}" is ${kind}`);
    }
    const noName = await hl(['output', '-raw']);
    expect(noName.code).toBe(1);
    expect(noName.stderr).toContain('needs an output name');
  });
});

describe('hl state list --json', () => {
  it('lists every resource with its address, type, module and id, and no attribute', async () => {
    const plain = await hl(['state', 'list']);
    const r = await hl(['state', 'list', '--json']);
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.stdout) as { address: string; type: string; module?: string; id: string; mode: string; provider: string }[];
    expect(entries.map((e) => e.address)).toEqual(plain.stdout.trim().split('\n'));
    expect(entries.map((e) => e.address).sort()).toEqual([
      'fake_resource.app',
      'fake_resource.base',
      'module.k3s_node["pve"].fake_resource.this',
      'module.k3s_node["pve2"].fake_resource.this',
    ]);
    const inModule = entries.find((e) => e.address === 'module.k3s_node["pve"].fake_resource.this')!;
    expect(inModule).toMatchObject({ type: 'fake_resource', module: 'module.k3s_node["pve"]', mode: 'managed', provider: 'fake' });
    expect(inModule.id).toMatch(/^fake-\d+$/);
    const root = entries.find((e) => e.address === 'fake_resource.app')!;
    expect(root.module).toBeUndefined();
    expect(root.id).toMatch(/^fake-\d+$/);
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stdout).not.toContain('attributes');
    const filtered = JSON.parse((await hl(['state', 'list', '-json', 'module.'])).stdout) as unknown[];
    expect(filtered).toHaveLength(2);
  });
});

describe('hl version', () => {
  it('prints hl, Node and the emulator profiles, the same for version, -version and --version; -json as one object', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string };
    const texts = await Promise.all([['version'], ['-version'], ['--version']].map((a) => hl(a)));
    for (const r of texts) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(texts[0]!.stdout);
    }
    const lines = texts[0]!.stdout.split('\n');
    expect(lines[0]).toBe(`hl ${version}`);
    expect(lines[1]).toBe(`on Node.js ${process.version} (${process.platform}_${process.arch})`);
    expect(texts[0]!.stdout).toMatch(/proxmox +Proxmox VE 8\.0, 8\.4, 9\.1 \(default 9\.1\)/);
    expect(texts[0]!.stdout).toMatch(/maas +MAAS 3\.5, 3\.6, 3\.7 \(default 3\.5\)/);
    expect(texts[0]!.stdout).toMatch(/kuma +Uptime Kuma 1\.23\.16, 2\.5\.3 \(default 2\.5\.3\)/);
    for (const argv of [['version', '-json'], ['-version', '-json']]) {
      const j = await hl(argv);
      expect(j.code).toBe(0);
      expect(JSON.parse(j.stdout)).toEqual({
        hl_version: version,
        node_version: process.version,
        platform: `${process.platform}_${process.arch}`,
        emulators: {
          proxmox: { product: 'Proxmox VE', versions: ['8.0', '8.4', '9.1'], default: '9.1' },
          maas: { product: 'MAAS', versions: ['3.5', '3.6', '3.7'], default: '3.5' },
          kuma: { product: 'Uptime Kuma', versions: ['1.23.16', '2.5.3'], default: '2.5.3' },
        },
      });
    }
  });
});

describe('hl providers', () => {
  it('lists each instance with its type, emulated or real, its endpoint without credentials, and resource counts; no secret', async () => {
    const d = mkdtempSync(join(tmpdir(), 'hl-providers-'));
    const pveSecret = 'pve-token-SECRET-1234';
    const maasKey = 'maas:KEY:SECRET-5678';
    writeFileSync(
      join(d, 'homelab.yaml'),
      `variables:
  pve_secret: { type: string, sensitive: true }
providers:
  fake: {}
  proxmox:
    endpoint: https://root%40pam:hunter2-PASS@pve.lan:8006
    token_id: root@pam!hl
    token_secret: "\${var.pve_secret}"
  maas: { url: "http://maas.lan:5240/MAAS", api_key: "${maasKey}" }
  kuma.pve: { emulated: true, username: admin, password: kuma-PASS-9 }
resources:
  fake_resource.a: { name: a }
  fake_resource.b: { name: b }
`,
    );
    const env = { HL_VAR_pve_secret: pveSecret };
    const text = await runHl(['providers'], { cwd: d, env });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PROVIDER +TYPE +MODE +ENDPOINT +RESOURCES +DATA +IN STATE$/);
    expect(lines.slice(1).map((l) => l.split(/ {2,}/))).toEqual([
      ['fake', 'fake', 'real', '(not set)', '2', '0', '0'],
      ['kuma.pve', 'kuma', 'emulated', '(embedded emulator)', '0', '0', '0'],
      ['maas', 'maas', 'real', 'http://maas.lan:5240/MAAS', '0', '0', '0'],
      ['proxmox', 'proxmox', 'real', 'https://pve.lan:8006', '0', '0', '0'],
    ]);
    const json = await runHl(['providers', '-json'], { cwd: d, env });
    expect(JSON.parse(json.stdout)).toContainEqual({
      key: 'proxmox',
      type: 'proxmox',
      declared: true,
      mode: 'real',
      endpoint: 'https://pve.lan:8006',
      resources: { config: 0, data: 0, state: 0 },
    });
    for (const out of [text.stdout, json.stdout]) for (const secret of [pveSecret, maasKey, 'hunter2-PASS', 'kuma-PASS-9', 'root%40pam']) expect(out).not.toContain(secret);
    // the state's count: after an apply of the fake resources (the others have none)
    writeFileSync(join(d, 'homelab.yaml'), 'providers:\n  fake: {}\nresources:\n  fake_resource.a: { name: a }\n  fake_resource.b: { name: b }\n');
    expect((await runHl(['apply', '-auto-approve'], { cwd: d })).code).toBe(0);
    const after = JSON.parse((await runHl(['providers', '-json'], { cwd: d })).stdout) as { key: string; resources: unknown }[];
    expect(after).toEqual([{ key: 'fake', type: 'fake', declared: true, mode: 'real', resources: { config: 2, data: 0, state: 2 } }]);
  });
});

describe('hl console', () => {
  it('evaluates each line against config and state, a module output and a sensitive value among them; an error does not stop the rest', async () => {
    const lines = [
      'module.k3s_node["pve"].vm_id',
      'fake_resource.app.name',
      '[for k, v in local.nodes : v.vmid]',
      'nope.x',
      'var.token',
      'fake_resource.app.secret',
      'fake_resource.app',
      'module.k3s_node["pve2"].vmid + 1',
      'upper("done")',
    ];
    const r = await hl(['console'], `${lines.join('\n')}\n`);
    expect(r.code).toBe(1);
    const state = JSON.parse((await hl(['state', 'list', '-json'])).stdout) as { address: string; id: string }[];
    const pveId = state.find((e) => e.address === 'module.k3s_node["pve"].fake_resource.this')!.id;
    const out = r.stdout.split('\n');
    expect(out.slice(0, 7)).toEqual([`"${pveId}"`, '"app"', '[', '  101,', '  102,', ']', '(sensitive value)']);
    expect(out[7]).toBe('(sensitive value)');
    // the resource as a whole: its attributes from state, the secret inside it masked
    const whole = r.stdout.slice(r.stdout.indexOf('{'), r.stdout.indexOf('\n}\n') + 2);
    expect(whole).toContain('  "name" = "app"\n');
    expect(whole).toContain('  "secret" = (sensitive value)\n');
    expect(r.stdout.trimEnd().split('\n').slice(-2)).toEqual(['103', '"DONE"']);
    expect(r.stderr).toContain('Reference to undeclared resource "nope.x"');
    expect(r.stderr).toContain('<console>:4:1');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('takes a resource not yet applied from its config block, and contacts nothing', async () => {
    const d = mkdtempSync(join(tmpdir(), 'hl-console-'));
    writeFileSync(join(d, 'homelab.yaml'), 'providers:\n  fake: {}\nresources:\n  fake_resource.web: { name: web, value: 3 }\n');
    const r = await runHl(['console'], { cwd: d, input: 'fake_resource.web.name\nfake_resource.web.id\nfake_resource.web.value * 2\n' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('"web"\n(known after apply)\n6\n');
    expect(r.code).toBe(0);
  });
});

describe('hl fmt', () => {
  it('-check lists the files not in canonical layout and exits 3 writing nothing; -diff prints a unified diff; fmt rewrites them, then -check passes', async () => {
    const d = mkdtempSync(join(tmpdir(), 'hl-fmt-'));
    mkdirSync(join(d, 'sub'));
    const messy = "resources:\n    # the first\n    fake_resource.a:\n        name: 'a'   # its name\n        count: 2\n";
    const tidy = 'resources:\n  # the first\n  fake_resource.a:\n    count: 2\n    name: a # its name\n';
    writeFileSync(join(d, 'main.yaml'), messy);
    writeFileSync(join(d, 'ok.yaml'), tidy);
    writeFileSync(join(d, 'sub', 'more.yaml'), messy);
    const check = await runHl(['fmt', '-check'], { cwd: d });
    expect(check.code).toBe(3);
    expect(check.stdout).toBe('main.yaml\n');
    expect(readFileSync(join(d, 'main.yaml'), 'utf8')).toBe(messy);
    const recursive = await runHl(['fmt', '-check', '-recursive', '-diff'], { cwd: d });
    expect(recursive.code).toBe(3);
    expect(recursive.stdout).toContain('main.yaml\n');
    expect(recursive.stdout).toContain('sub/more.yaml\n');
    expect(recursive.stdout).toContain(
      ['--- old/main.yaml', '+++ new/main.yaml', '@@ -1,5 +1,5 @@', ' resources:', '-    # the first', '-    fake_resource.a:', "-        name: 'a'   # its name", '-        count: 2', '+  # the first', '+  fake_resource.a:', '+    count: 2', '+    name: a # its name'].join('\n'),
    );
    const written = await runHl(['fmt', 'main.yaml'], { cwd: d });
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('main.yaml\n');
    expect(readFileSync(join(d, 'main.yaml'), 'utf8')).toBe(tidy);
    expect(readFileSync(join(d, 'sub', 'more.yaml'), 'utf8')).toBe(messy);
    const again = await runHl(['fmt', '-check'], { cwd: d });
    expect({ code: again.code, stdout: again.stdout }).toEqual({ code: 0, stdout: '' });
    writeFileSync(join(d, 'bad.yaml'), 'a: [1, 2\n');
    const bad = await runHl(['fmt', 'bad.yaml'], { cwd: d });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad.yaml');
  });
});

describe('hl completion', () => {
  it('prints a script for each of bash, zsh and fish, and refuses another shell', async () => {
    const bash = await hl(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F __hl_complete hl');
    expect(bash.stdout).toContain('hl complete -- ');
    const zsh = await hl(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef hl/);
    const fish = await hl(['completion', 'fish']);
    expect(fish.stdout).toContain('complete -c hl');
    expect((await hl(['completion', 'tcsh'])).code).toBe(1);
  });

  it('answers with commands, the options of a command, and resource addresses from state', async () => {
    const words = async (...w: string[]) =>
      (await hl(['complete', '--', ...w])).stdout
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith(':'))
        .map((l) => l.split('\t')[0]);
    expect(await words('pl')).toEqual(['plan', 'placement']);
    expect(await words('st')).toEqual(['state']);
    expect(await words('plan', '--tar')).toEqual(['--target']);
    expect(await words('plan', '--target', '')).toEqual(expect.arrayContaining(['fake_resource.app', 'fake_resource.base', 'module.k3s_node["pve"].fake_resource.this']));
    expect(await words('state', 'show', 'fake_resource.a')).toEqual(['fake_resource.app']);
    expect(await words('completion', '')).toEqual(['bash', 'zsh', 'fish']);
  });

  it('works when sourced in bash: COMP_WORDS in, COMPREPLY out', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'hl-bin-'));
    writeFileSync(join(bin, 'hl'), `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot(), 'dist', 'src', 'cli', 'main.js')}" "$@"\n`, { mode: 0o755 });
    // the bash-completion package's helpers, as far as the script uses them (absent on a bare bash)
    const shim = '_get_comp_words_by_ref() { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }; compopt() { :; }';
    const complete = (line: string[]) =>
      new Promise<string[]>((resolve, reject) => {
        const words = line.map((w) => `'${w}'`).join(' ');
        const script = `${shim}; source <(hl completion bash); COMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; __hl_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
        execFile('bash', ['-c', script], { cwd: dir, env: { ...process.env, PATH: `${bin}:${process.env['PATH']}` } }, (e, stdout) =>
          e ? reject(e) : resolve(stdout.split('\n').filter((l) => l !== '')),
        );
      });
    expect(await complete(['hl', 'pro'])).toEqual(['providers']);
    expect(await complete(['hl', 'apply', '--auto'])).toEqual(['--auto-approve']);
    expect(await complete(['hl', 'apply', '--target', 'fake_resource.b'])).toEqual(['fake_resource.base']);
    expect(await complete(['hl', 'state', 'show', 'fake_resource.a'])).toEqual(['fake_resource.app']);
  }, 30_000);
});
