/**
 * Issue 17 (emulator): OAuth timestamps are checked like python-oauth (only a stale one is
 * refused, a client clock ahead is fine), and multipart/form-data bodies are decoded the way
 * Django does, including python-libmaas's base64-encoded, line-folded parts.
 */
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildOAuthHeader } from '../../providers/maas/client/oauth-header.js';
import { parseFormBody } from '../../providers/maas/emulator/request-body.js';
import { credentialsOf, startMaasFixture, type MaasFixture } from './support/maas-fixture.js';

/** A body shaped like python-libmaas's (email.mime parts, base64, folded at 76 characters). */
function libmaasMultipart(boundary: string, fields: [string, string][]): Buffer {
  const lines: string[] = [];
  for (const [name, value] of fields) {
    const b64 = Buffer.from(value, 'utf8').toString('base64');
    lines.push(
      `--${boundary}`,
      'Content-Type: text/plain; charset="utf-8"',
      'MIME-Version: 1.0',
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: form-data; name="${name}"`,
      '',
      ...(b64.match(/.{1,76}/g) ?? ['']),
    );
  }
  lines.push(`--${boundary}--`, '');
  return Buffer.from(lines.join('\r\n'));
}

describe('multipart bodies', () => {
  it('decodes base64 parts, keeps repeated keys in order, skips uploads', () => {
    const long = 'x'.repeat(100);
    const body = libmaasMultipart('==b0undary==', [
      ['hostname', 'kuma-pve'],
      ['mac_addresses', 'bc:24:11:00:00:31'],
      ['mac_addresses', 'bc:24:11:00:00:32'],
      ['description', long],
    ]);
    const form = parseFormBody('multipart/form-data; boundary="==b0undary=="', body);
    expect(form.get('hostname')).toBe('kuma-pve');
    expect(form.getAll('mac_addresses')).toEqual(['bc:24:11:00:00:31', 'bc:24:11:00:00:32']);
    expect(form.get('description')).toBe(long);

    const plain = Buffer.from(
      [
        '--b',
        'Content-Disposition: form-data; name="name"',
        '',
        'a b',
        '--b',
        'Content-Disposition: form-data; name="file"; filename="x.txt"',
        '',
        'upload',
        '--b--',
        '',
      ].join('\r\n'),
    );
    expect([...parseFormBody('multipart/form-data; boundary=b', plain)]).toEqual([['name', 'a b']]);
  });
});

describe('emulator requests from other MAAS clients', () => {
  let f: MaasFixture;
  let agent: Agent;
  beforeEach(async () => {
    f = await startMaasFixture();
    agent = new Agent();
  });
  afterEach(async () => {
    await agent.close();
    await f.stop();
  });

  it('a device created with a python-libmaas multipart body', async () => {
    const boundary = '===============4242424242==';
    const res = await request(`${f.emulator.url}/api/2.0/devices/`, {
      method: 'POST',
      headers: {
        authorization: buildOAuthHeader(credentialsOf(f.emulator.apiKey)),
        'content-type': `multipart/form-data; boundary="${boundary}"`,
      },
      body: libmaasMultipart(boundary, [
        ['hostname', 'libmaas-dev'],
        ['mac_addresses', 'bc:24:11:00:00:41'],
      ]),
      dispatcher: agent,
    });
    expect(res.statusCode).toBe(200);
    const device = JSON.parse(await res.body.text()) as { hostname: string; interface_set: { mac_address: string }[] };
    expect(device.hostname).toBe('libmaas-dev');
    expect(device.interface_set.map((i) => i.mac_address)).toEqual(['bc:24:11:00:00:41']);
  });

  it('a timestamp ahead of the region clock is accepted; a stale one is not (python-oauth)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ahead = buildOAuthHeader(credentialsOf(f.emulator.apiKey), { timestamp: now + 3600 });
    const ok = await request(`${f.emulator.url}/api/2.0/domains/`, { headers: { authorization: ahead }, dispatcher: agent });
    expect(ok.statusCode).toBe(200);
    await ok.body.text();
    const stale = buildOAuthHeader(credentialsOf(f.emulator.apiKey), { timestamp: now - 3600 });
    const refused = await request(`${f.emulator.url}/api/2.0/domains/`, { headers: { authorization: stale }, dispatcher: agent });
    expect(refused.statusCode).toBe(401);
    await refused.body.text();
  });
});
