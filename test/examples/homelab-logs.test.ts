/**
 * HL_LOG on the example, in real processes against the embedded emulators: `HL_LOG=debug hl
 * apply` logs every provider's calls (Proxmox and the PVE-backed crucible and coral over
 * HTTP, MAAS over OAuth1-signed HTTP, both Uptime Kumas over socket.io) in the stable line
 * format, with no credential in any line: not the emulated Proxmox's API token secret, not
 * the Kuma password or the login token Kuma answered, not MAAS's OAuth signature or token.
 * HL_LOG_PATH writes the lines to a file made 0600, appended to; without HL_LOG nothing is
 * logged. Runs on a copy: the committed files are never touched.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } from '../../providers/pve/emulator/auth.js';
import { copyExampleModules } from '../support/example-modules.js';
import { runHl } from '../support/run-hl.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A line of the log: `TIMESTAMP [LEVEL] PROVIDER: MESSAGE`. */
const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[(ERROR|WARN|INFO|DEBUG|TRACE)\] ([a-z][a-z0-9_.-]*): (.+)$/;

/** A call line at debug: method and path (or event), status, duration, sizes, instance, endpoint. */
const DEBUG_CALL = / (?:(?:GET|POST|PUT|DELETE) \/\S*|event \S+) \S+(?: \(.*\))? \d+ms req_bytes=\d+ resp_bytes=\d+ instance=\S+ endpoint=\S+$/;

function logLines(text: string): RegExpExecArray[] {
  return text
    .split('\n')
    .map((l) => LINE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
}

function exampleCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-homelab-logs-'));
  mkdirSync(join(dir, 'examples'));
  copyFileSync(join(ROOT, 'examples', 'homelab.yaml'), join(dir, 'examples', 'homelab.yaml'));
  copyExampleModules(ROOT, join(dir, 'examples'));
  copyFileSync(join(ROOT, 'homelab.state.json'), join(dir, 'homelab.state.json'));
  return dir;
}

describe('HL_LOG on examples/homelab.yaml against the emulators', () => {
  it('logs every provider call with no secret in it; HL_LOG_PATH writes a 0600 file; without HL_LOG nothing is logged', async () => {
    const dir = exampleCopy();
    const config = ['-c', 'examples/homelab.yaml'];

    const apply = await runHl(['apply', ...config, '--auto-approve'], { cwd: dir, env: { HL_LOG: 'debug' }, timeoutMs: 120_000 });
    expect(apply.code, apply.stderr).toBe(0);
    const lines = logLines(apply.stderr);
    // every line hl writes to stderr in this run is a log line, and none goes to stdout
    expect(apply.stderr.split('\n').filter((l) => l !== '' && !LINE.test(l))).toEqual([]);
    expect(logLines(apply.stdout)).toEqual([]);

    const perProvider = new Map<string, number>();
    for (const m of lines) perProvider.set(m[2]!, (perProvider.get(m[2]!) ?? 0) + 1);
    for (const key of ['proxmox', 'crucible', 'coral', 'maas', 'kuma.pve', 'kuma.fun-bedbug'])
      expect(perProvider.get(key) ?? 0, `log lines of ${key}: ${JSON.stringify([...perProvider])}`).toBeGreaterThan(0);
    // at debug, every call line carries the sizes and the instance
    for (const m of lines.filter((x) => x[1] === 'DEBUG')) expect(m[0]).toMatch(DEBUG_CALL);
    expect(lines.filter((m) => m[1] === 'DEBUG').length).toBeGreaterThan(100);

    const messages = lines.map((m) => `${m[2]}: ${m[3]}`);
    expect(messages).toContainEqual(expect.stringMatching(/^proxmox: GET \/api2\/json\/cluster\/resources(\?\S*)? 200 \d+ms /));
    // the orchestrator's k3s VMs are cloned on the emulated cluster
    expect(messages).toContainEqual(expect.stringMatching(/^proxmox: POST \/api2\/json\/nodes\/[a-z-]+\/qemu\/9001\/clone 200 /));
    expect(messages).toContainEqual(expect.stringMatching(/^maas: POST \/MAAS\/api\/2\.0\/devices\/ 200 \d+ms /));
    expect(messages).toContainEqual(expect.stringMatching(/^kuma\.pve: event add ok \d+ms /));
    expect(messages).toContainEqual(expect.stringMatching(/^kuma\.fun-bedbug: event login ok \d+ms req_bytes=0 /));

    // no secret in any line
    const { token: jwt } = JSON.parse(readFileSync(join(dir, '.hl', 'providers', 'kuma.pve', 'kuma-token.json'), 'utf8')) as { token: string };
    expect(jwt.length, 'the JWT Kuma answered the login with').toBeGreaterThan(20);
    const log = lines.map((m) => m[0]).join('\n');
    for (const secret of [DEFAULT_TOKEN_SECRET, `${DEFAULT_TOKEN_ID}=`, 'PVEAPIToken', 'hl-emulator-1', jwt, 'oauth_signature', 'oauth_token=', 'OAuth oauth'])
      expect(log, `a secret in the log: ${secret}`).not.toContain(secret);

    // HL_LOG_PATH: the lines go to the file (0600, appended), none to stderr
    const file = join(dir, 'hl.log');
    writeFileSync(file, 'an earlier run\n', { mode: 0o644 });
    const plan = await runHl(['plan', ...config], { cwd: dir, env: { HL_LOG: 'info', HL_LOG_PATH: file }, timeoutMs: 120_000 });
    expect(plan.code, plan.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = readFileSync(file, 'utf8');
    expect(written.startsWith('an earlier run\n')).toBe(true);
    const fileLines = logLines(written);
    expect(fileLines.length).toBeGreaterThan(10);
    expect(fileLines.every((m) => m[1] === 'INFO' || m[1] === 'WARN')).toBe(true);
    expect(fileLines.map((m) => `${m[2]}: ${m[3]}`)).toContainEqual(expect.stringMatching(/^proxmox: GET \/api2\/json\/cluster\/resources(\?\S*)? 200 \d+ms$/));
    expect(logLines(plan.stderr)).toEqual([]);

    // trace, with the bodies: a password login again (the cached JWTs gone), and still no secret
    rmSync(join(dir, '.hl', 'providers', 'kuma.pve', 'kuma-token.json'));
    rmSync(join(dir, '.hl', 'providers', 'kuma.fun-bedbug', 'kuma-token.json'));
    const traced = await runHl(['plan', ...config], { cwd: dir, env: { HL_LOG: 'trace' }, timeoutMs: 120_000 });
    expect(traced.code, traced.stderr).toBe(0);
    const traceLines = logLines(traced.stderr);
    expect(traceLines.filter((m) => m[1] === 'TRACE' && / response body: /.test(m[3]!)).length).toBeGreaterThan(10);
    expect(traceLines.map((m) => `${m[2]}: ${m[3]}`)).toContainEqual(expect.stringMatching(/^kuma\.pve: event login response body: .*"token":"\(sensitive value\)"/));
    const traceLog = traceLines.map((m) => m[0]).join('\n');
    for (const secret of [DEFAULT_TOKEN_SECRET, 'PVEAPIToken', 'hl-emulator-1', 'oauth_signature', 'oauth_token='])
      expect(traceLog, `a secret in the trace log: ${secret}`).not.toContain(secret);

    // HL_LOG unset: nothing
    const quiet = await runHl(['plan', ...config], { cwd: dir, env: { HL_LOG_PATH: join(dir, 'unused.log') }, timeoutMs: 120_000 });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(logLines(quiet.stderr)).toEqual([]);
    expect(logLines(quiet.stdout)).toEqual([]);
    expect(existsSync(join(dir, 'unused.log'))).toBe(false);
  }, 300_000);
});
