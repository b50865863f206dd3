/**
 * The pure parts of kuma_monitor, table-driven: planning (defaults, prior values kept,
 * type-dependent nulls, the timeout and retry-interval corrections), plan-time validation,
 * and the field mapping both ways.
 */
import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Attributes } from '../../src/core/value.js';
import { planMonitor } from '../../providers/kuma/resources/monitor/monitor-plan.js';
import { validateMonitorConfig } from '../../providers/kuma/resources/monitor/monitor-validation.js';
import { addPayload, editPayload, monitorToAttributes } from '../../providers/kuma/resources/monitor/monitor-mapping.js';
import { STRICTEST_LIMITS, limitsForStatedVersion, parseKumaVersion } from '../../providers/kuma/protocol/kuma-version.js';

const plan = (config: Attributes, prior: Attributes | null = null, providerConfig: Attributes = {}) =>
  planMonitor({ type: 'kuma_monitor', config, prior, providerConfig });

const HTTP = { name: 'web', type: 'http', url: 'https://web.maas/' };

describe('planning kuma_monitor', () => {
  const cases: { reason: string; config: Attributes; prior?: Attributes; expect: Attributes; notes?: RegExp[] }[] = [
    {
      reason: 'a new http monitor gets hl defaults and nulls for what http does not use',
      config: HTTP,
      expect: {
        id: UNKNOWN, method: 'GET', interval: 60, retry_interval: 60, resend_interval: 0, max_retries: 0, timeout: 48, active: true, upside_down: false,
        ignore_tls: false, max_redirects: 10, accepted_status_codes: ['200-299'], hostname: null, port: null, dns_resolve_type: null, docker_host: null,
        push_token: null, parent: null, description: null, tags: [], notifications: [],
      },
    },
    {
      reason: 'a dns monitor defaults to port 53, record A, resolver 1.1.1.1, and has no http fields',
      config: { name: 'dns', type: 'dns', hostname: 'pve.maas' },
      expect: { port: 53, dns_resolve_type: 'A', dns_resolve_server: '1.1.1.1', url: null, method: null, accepted_status_codes: null, timeout: 48 },
    },
    {
      reason: 'a push monitor gets its token at apply, and has no timeout',
      config: { name: 'cron', type: 'push' },
      expect: { push_token: UNKNOWN, timeout: null, url: null },
    },
    {
      reason: 'the retry interval and timeout follow the configured interval',
      config: { ...HTTP, interval: 120 },
      expect: { interval: 120, retry_interval: 120, timeout: 96 },
    },
    {
      reason: 'empty strings plan as null, tags and notifications come sorted like reads',
      config: { ...HTTP, description: '', tags: ['b', { name: 'a', value: 'x' }, { name: 'a', value: '' }], notifications: ['z', 'a', 'z'] },
      expect: { description: null, tags: [{ name: 'a', value: null }, { name: 'a', value: 'x' }, { name: 'b', value: null }], notifications: ['a', 'z'] },
    },
    {
      reason: 'attributes the config leaves out keep the value the server has',
      config: HTTP,
      prior: { ...plan(HTTP).planned, id: 4, interval: 300, retry_interval: 300, timeout: 30, tags: [{ name: 'ui', value: null }], push_token: null },
      expect: { id: 4, interval: 300, retry_interval: 300, timeout: 30, tags: [{ name: 'ui', value: null }] },
    },
    {
      reason: 'a shorter interval lowers a timeout the config does not set',
      config: { ...HTTP, interval: 30 },
      prior: { ...plan(HTTP).planned, id: 4, push_token: null },
      expect: { interval: 30, timeout: 24 },
      notes: [/timeout lowered from 48 s to 24 s/],
    },
    {
      reason: 'a retry interval of 0 left by the API is raised when the monitor changes anyway',
      config: { ...HTTP, url: 'https://other.maas/' },
      prior: { ...plan(HTTP).planned, id: 4, retry_interval: 0, push_token: null },
      expect: { retry_interval: 60, url: 'https://other.maas/' },
      notes: [/retry_interval raised from 0 s to the 60 s interval/],
    },
    {
      reason: 'a retry interval of 0 is left alone when nothing else changes',
      config: HTTP,
      prior: { ...plan(HTTP).planned, id: 4, retry_interval: 0, push_token: null },
      expect: { retry_interval: 0 },
      notes: [],
    },
    {
      reason: 'with the type unknown until apply, the computed attributes are unknown too',
      config: { name: 'later', type: UNKNOWN },
      expect: { method: UNKNOWN, interval: 60, url: null },
    },
  ];

  for (const c of cases) {
    it(c.reason, () => {
      const res = plan(c.config, c.prior ?? null);
      expect(res.planned).toMatchObject(c.expect);
      expect(res.requiresReplace).toEqual([]);
      if (c.notes) expect(res.notes).toEqual(c.notes.map((n) => expect.stringMatching(n)));
    });
  }
});

describe('validating kuma_monitor config', () => {
  const v2 = limitsForStatedVersion('2.5.3');
  const cases: { reason: string; config: Attributes; limits?: typeof v2; messages: (string | RegExp)[] }[] = [
    { reason: 'a valid http monitor', config: HTTP, messages: [] },
    { reason: 'each type needs its fields', config: { name: 'p', type: 'port', hostname: 'x' }, messages: ['port is required for monitors of type port'] },
    { reason: 'json-query needs a path and a value', config: { name: 'j', type: 'json-query', url: 'https://x/' }, messages: ['json_path is required for monitors of type json-query', 'expected_value is required for monitors of type json-query'] },
    { reason: 'a field the type ignores is a warning', config: { ...HTTP, hostname: 'x' }, messages: ['hostname is ignored for monitors of type http'] },
    { reason: 'intervals below 20 s without a stated version', config: { ...HTTP, interval: 10 }, messages: [/^interval 10 s is below the minimum of 20 s/] },
    { reason: 'intervals of 1 s are fine for 2.5.3', config: { ...HTTP, interval: 1, retry_interval: 1, timeout: 0.8 }, limits: v2, messages: [] },
    { reason: 'timeout at most 80 % of the interval', config: { ...HTTP, interval: 60, timeout: 50 }, messages: ['timeout 50 s is more than 80 % of the 60 s interval (at most 48 s)'] },
    { reason: 'status codes are strings of codes or ranges', config: { ...HTTP, accepted_status_codes: ['200-299', 401 as never, '2xx'] }, messages: [/must be strings/, /"2xx" is not a status code/] },
    { reason: 'a port is a TCP port', config: { name: 'p', type: 'port', hostname: 'x', port: 70000 }, messages: ['port 70000 is not a TCP port (1-65535)'] },
    { reason: 'the same tag twice', config: { ...HTTP, tags: ['a', { name: 'a' }] }, messages: ['the same tag with the same value is listed twice'] },
    { reason: 'unknown values are not judged', config: { ...HTTP, interval: UNKNOWN, url: UNKNOWN }, messages: [] },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const problems = validateMonitorConfig(c.config, c.limits ?? STRICTEST_LIMITS, c.limits !== undefined);
      expect(problems.map((p) => p.message)).toEqual(c.messages.map((m) => (typeof m === 'string' ? m : expect.stringMatching(m))));
    });
  }
});

describe('mapping kuma_monitor fields', () => {
  const dir = { monitorName: (id: number) => (id === 7 ? 'lab' : undefined), notificationName: (id: number) => (id === 3 ? 'ntfy' : undefined) };
  const serverMonitor = {
    id: 12, name: 'web', type: 'http', url: 'https://web.maas/', method: 'GET', hostname: '', port: null, interval: 60, retryInterval: 60, resendInterval: 0,
    maxretries: 1, timeout: 48, active: 1, upsideDown: false, keyword: null, ignoreTls: false, maxredirects: 10, accepted_statuscodes: ['200-299'],
    dns_resolve_type: 'A', dns_resolve_server: '1.1.1.1', docker_container: '', docker_host: null, pushToken: null, parent: 7, description: '',
    tags: [{ tag_id: 1, name: 'node', value: '' }], notificationIDList: { '3': true, '4': false }, weight: 2000, headers: '{"a":1}', packetSize: 56,
  };

  it('reads only the managed fields, nulls for what the type does not use, names for ids', () => {
    const attrs = monitorToAttributes(serverMonitor, dir, null);
    expect(Object.keys(attrs)).not.toContain('weight');
    expect(attrs).toMatchObject({ id: 12, active: true, max_retries: 1, hostname: null, dns_resolve_type: null, description: null, parent: 7, tags: [{ name: 'node', value: null }], notifications: ['ntfy'] });
    expect(monitorToAttributes(serverMonitor, dir, { parent: 'lab' }).parent).toBe('lab');
  });

  it('builds add objects per generation: conditions and jsonPathOperator only for 2.x, non-null columns always set', () => {
    const refs = { parent: null, notificationIds: [3], pushToken: null };
    const port = plan({ name: 'ssh', type: 'port', hostname: 'pve.maas', port: 22 }).planned;
    const v2 = addPayload(port, refs, 2);
    expect(v2).toMatchObject({ type: 'port', port: 22, method: 'GET', accepted_statuscodes: ['200-299'], maxredirects: 10, conditions: [], notificationIDList: { '3': true }, url: null });
    expect(addPayload(port, refs, 1)).not.toHaveProperty('conditions');
    const jq = plan({ name: 'j', type: 'json-query', url: 'https://x/', json_path: 'status', expected_value: 'ok' }).planned;
    expect(addPayload(jq, refs, 2)).toMatchObject({ jsonPath: 'status', expectedValue: 'ok', jsonPathOperator: '==', httpBodyEncoding: 'json' });
  });

  it('builds edit objects from the full server monitor, replacing only the managed fields', () => {
    const planned = { ...plan(HTTP).planned, interval: 90 };
    const body = editPayload(serverMonitor, planned, { parent: null, notificationIds: [], pushToken: null }, 2);
    expect(body).toMatchObject({ id: 12, interval: 90, headers: '{"a":1}', packetSize: 56, weight: 2000, parent: null, notificationIDList: {}, conditions: [] });
    expect(body.hostname).toBe('');
  });

  it('knows the generation and limits of each version', () => {
    expect(parseKumaVersion('1.23.16')).toMatchObject({ generation: 1, limits: { minIntervalSecond: 20 } });
    expect(parseKumaVersion('2.0.2')).toMatchObject({ generation: 2, limits: { minIntervalSecond: 20 } });
    expect(parseKumaVersion('2.5.3')).toMatchObject({ generation: 2, limits: { minIntervalSecond: 1 } });
    expect(parseKumaVersion('nightly')).toBeUndefined();
  });
});
