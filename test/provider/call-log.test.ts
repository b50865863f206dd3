/**
 * The provider call log (HL_LOG): the line format, what each level writes, retries, and that
 * no credential reaches a line — by name (query parameters, form fields, JSON keys, headers)
 * or by value (the run's known secrets).
 */
import { describe, expect, it } from 'vitest';
import { makeRedactor, MASK } from '../../src/core/redact.js';
import {
  formatLogLine,
  levelWrites,
  makeProviderCallLog,
  parseLogLevel,
  redactBody,
  redactForm,
  redactHeaders,
  redactPath,
  type LogLevel,
  type RunLog,
} from '../../src/provider/call-log.js';
import { ProviderError } from '../../src/provider/contract.js';
import { DEFAULT_RETRY_POLICY, retryProviderCall } from '../../src/provider/retry-provider-call.js';

/** A run log at `level` whose clock advances 12 ms per reading, from a fixed wall time. */
function recorder(level: LogLevel, secrets: string[] = []) {
  const lines: string[] = [];
  let t = 1000;
  const run: RunLog = {
    level,
    clock: { now: () => (t += 12) - 12, timestamp: () => '2026-12-07T06:20:00.123Z' },
    write: (line) => lines.push(line),
  };
  const log = makeProviderCallLog({ run, provider: 'proxmox', redact: makeRedactor(secrets) });
  return { lines, log };
}

describe('the log line', () => {
  it('is TIMESTAMP [LEVEL] PROVIDER: MESSAGE on one line', () => {
    expect(formatLogLine('2026-12-07T06:20:00.123Z', 'debug', 'proxmox', 'GET /api2/json/nodes/pve/qemu/107/config 200 12ms')).toBe(
      '2026-12-07T06:20:00.123Z [DEBUG] proxmox: GET /api2/json/nodes/pve/qemu/107/config 200 12ms\n',
    );
    expect(formatLogLine('t', 'info', 'kuma.pve', 'a\nb')).toBe('t [INFO] kuma.pve: a\\nb\n');
  });

  it('reads levels in any case and orders them as TF_LOG does', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel(' trace ')).toBe('trace');
    expect(parseLogLevel('verbose')).toBeUndefined();
    expect(levelWrites('info', 'warn')).toBe(true);
    expect(levelWrites('info', 'debug')).toBe(false);
    expect(levelWrites('trace', 'debug')).toBe(true);
    expect(levelWrites('error', 'warn')).toBe(false);
  });
});

describe('a call, at each level', () => {
  const call = { method: 'GET', path: '/api2/json/cluster/resources', endpoint: 'https://pve.lan:8006' };

  it('info: one line with method, path, status and duration', () => {
    const { lines, log } = recorder('info');
    log.start(call).end({ status: 200, responseBytes: 2048, responseBody: '{"data":[]}' });
    expect(lines).toEqual(['2026-12-07T06:20:00.123Z [INFO] proxmox: GET /api2/json/cluster/resources 200 12ms\n']);
  });

  it('debug: the same line with sizes, the instance and its server', () => {
    const { lines, log } = recorder('debug');
    log.start({ ...call, method: 'POST', requestBody: 'vmid=120&name=k3s' }).end({ status: 200, responseBytes: 2048 });
    expect(lines).toEqual([
      '2026-12-07T06:20:00.123Z [DEBUG] proxmox: POST /api2/json/cluster/resources 200 12ms req_bytes=17 resp_bytes=2048 instance=proxmox endpoint=https://pve.lan:8006\n',
    ]);
  });

  it('trace: besides, the bodies, redacted', () => {
    const { lines, log } = recorder('trace');
    log.start({ ...call, method: 'POST', requestBody: 'vmid=120&cipassword=hunter2' }).end({ status: 200, responseBody: '{"data":{"ticket":"PVE:x"}}' });
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('[TRACE] proxmox: POST /api2/json/cluster/resources request body: vmid=120&cipassword=');
    expect(lines[2]).toContain(`response body: {"data":{"ticket":"${MASK}"}}`);
    expect(lines.join('')).not.toMatch(/hunter2|PVE:x/);
  });

  it('an event is named as such; a login is logged without its arguments', () => {
    const { lines, log } = recorder('trace');
    log.start({ event: 'login' }).end({ status: 'ok', responseBody: { ok: true, token: 'eyJhbGciOi.jwt' } });
    log.start({ event: 'add', args: [{ name: 'm', basic_auth_pass: 'pw-123456' }] }).end({ status: 'ok', responseBody: { ok: true, monitorID: 4 } });
    const text = lines.join('');
    expect(text).toContain('[DEBUG] proxmox: event login ok 12ms req_bytes=0');
    expect(text).not.toContain('event login request body');
    expect(text).toContain('[DEBUG] proxmox: event add ok 12ms');
    expect(text).not.toMatch(/eyJhbGciOi|pw-123456/);
  });

  it('a call without an answer is a WARN line, written from warn up and not at error', () => {
    for (const [level, written] of [
      ['warn', 1],
      ['error', 0],
    ] as const) {
      const { lines, log } = recorder(level);
      log.start(call).end({ error: 'connect ECONNREFUSED 127.0.0.1:8006' });
      expect(lines).toHaveLength(written);
      if (written) expect(lines[0]).toBe('2026-12-07T06:20:00.123Z [WARN] proxmox: GET /api2/json/cluster/resources failed after 12ms: connect ECONNREFUSED 127.0.0.1:8006\n');
    }
  });

  it('a retry says what failed, attempt n of m and the wait', () => {
    const { lines, log } = recorder('warn');
    log.retry({ call: 'POST /api2/json/nodes/pve/qemu/120/clone', attempt: 2, of: 12, waitMs: 250.4, reason: 'VM is locked (clone)' });
    expect(lines).toEqual([
      '2026-12-07T06:20:00.123Z [WARN] proxmox: POST /api2/json/nodes/pve/qemu/120/clone failed (VM is locked (clone)); retrying in 250ms (attempt 2 of 12)\n',
    ]);
  });

  it('a level below info writes no call line; an ended call is told once', () => {
    const { lines, log } = recorder('warn');
    log.start(call).end({ status: 200 });
    expect(lines).toEqual([]);
    const info = recorder('info');
    const c = info.log.start(call);
    c.end({ status: 200 });
    c.end({ status: 500 });
    expect(info.lines).toHaveLength(1);
  });
});

describe('redaction', () => {
  it('masks credential-named query parameters and form fields', () => {
    expect(redactPath('/access/ticket?username=root@pam&password=s3cret')).toBe(`/access/ticket?username=root@pam&password=${encodeURIComponent(MASK)}`);
    expect(redactPath('/devices/?op=list&oauth_signature=abc&api_key=k')).not.toMatch(/abc|=k$/);
    expect(redactPath('/cluster/resources?type=vm')).toBe('/cluster/resources?type=vm');
    expect(redactForm('name=a&token=t0&CSRFPreventionToken=x&sshkeys=ssh-ed25519')).toBe(
      `name=a&token=${encodeURIComponent(MASK)}&CSRFPreventionToken=${encodeURIComponent(MASK)}&sshkeys=ssh-ed25519`,
    );
  });

  it('masks Authorization, Cookie and token headers', () => {
    expect(
      redactHeaders({
        Authorization: 'PVEAPIToken=hl@pve!hl=5e1f0c2a',
        cookie: 'PVEAuthCookie=PVE:root',
        CSRFPreventionToken: 'x',
        accept: 'application/json',
      }),
    ).toEqual({ Authorization: MASK, cookie: MASK, CSRFPreventionToken: MASK, accept: 'application/json' });
  });

  it('masks credential-named JSON keys at any depth, and the value of a {key, value} pair naming one', () => {
    const body = JSON.stringify({
      data: [
        { key: 'cipassword', value: 'pw' },
        { key: 'memory', value: 4096 },
      ],
      user: { username: 'admin', password: 'hl-emulator-1', twoFA: null, apiToken: null },
    });
    const out = redactBody(body);
    expect(out).not.toContain('hl-emulator-1');
    expect(out).not.toContain('"pw"');
    expect(JSON.parse(out)).toEqual({
      data: [
        { key: 'cipassword', value: MASK },
        { key: 'memory', value: 4096 },
      ],
      user: { username: 'admin', password: MASK, twoFA: null, apiToken: null },
    });
  });

  it('cuts a long body', () => {
    expect(redactBody('x'.repeat(5000), 100)).toBe(`${'x'.repeat(100)}... (4900 more characters)`);
  });

  it('masks the run known secrets wherever they are, even under an innocent name', () => {
    const { lines, log } = recorder('trace', ['tok-0123456789']);
    log.start({ method: 'GET', path: '/x?note=tok-0123456789' }).end({ status: 200, responseBody: '{"note":"tok-0123456789"}' });
    expect(lines.join('')).not.toContain('tok-0123456789');
    expect(lines.join('')).toContain(MASK);
  });
});

describe("the engine's retries", () => {
  it('a read the engine sends again is logged with attempt n of m and the wait', async () => {
    const { lines, log } = recorder('warn');
    let n = 0;
    const answer = await retryProviderCall(
      'read',
      async () => {
        if (++n < 3) throw new ProviderError('VM 101 is locked', { retryable: true });
        return 'read';
      },
      { policy: { ...DEFAULT_RETRY_POLICY, sleep: async () => undefined, random: () => 0.5 }, log, call: 'read proxmox_vm.opnsense [id=pve/101]' },
    );
    expect(answer).toBe('read');
    expect(lines).toEqual([
      '2026-12-07T06:20:00.123Z [WARN] proxmox: read proxmox_vm.opnsense [id=pve/101] failed (VM 101 is locked); retrying in 375ms (attempt 2 of 4)\n',
      '2026-12-07T06:20:00.123Z [WARN] proxmox: read proxmox_vm.opnsense [id=pve/101] failed (VM 101 is locked); retrying in 750ms (attempt 3 of 4)\n',
    ]);
  });
});
