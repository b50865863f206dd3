/**
 * The kuma JSON Schemas (schemas/*kuma*.schema.json) compile under the engine's strict ajv
 * settings and accept and refuse what they should.
 */
import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/schema/schema-compile.js';
import { kumaProviderFactory } from '../../providers/kuma/index.js';

const schema = kumaProviderFactory.create().getSchema();

function valid(s: object, value: unknown): boolean {
  return compileSchema(s)(value) as boolean;
}

describe('kuma JSON schemas', () => {
  const cases: { reason: string; schema: object; value: unknown; ok: boolean }[] = [
    { reason: 'a provider block with a url', schema: schema.providerJsonSchema, value: { url: 'http://fun-bedbug.maas:3001', username: 'a', password: 'b' }, ok: true },
    { reason: 'an emulated provider block needs no url', schema: schema.providerJsonSchema, value: { emulated: true, username: 'a', password: 'b' }, ok: true },
    { reason: 'a provider block without url nor emulated', schema: schema.providerJsonSchema, value: { username: 'a', password: 'b' }, ok: false },
    { reason: 'a pinned fingerprint', schema: schema.providerJsonSchema, value: { url: 'https://k', username: 'a', password: 'b', tls_fingerprint: '62:92:8E:8E:B0:FA:32:03:46:FA:62:A5:E3:30:28:10:0D:74:E4:AD:07:9E:FA:A3:2E:1D:1B:56:B5:02:27:D2' }, ok: true },
    { reason: 'an http monitor', schema: schema.resources.kuma_monitor!.jsonSchema, value: { name: 'a', type: 'http', url: 'https://a/', tags: ['x', { name: 'y', value: 'z' }], parent: 3 }, ok: true },
    { reason: 'an http monitor without url', schema: schema.resources.kuma_monitor!.jsonSchema, value: { name: 'a', type: 'http' }, ok: false },
    { reason: 'numeric status codes', schema: schema.resources.kuma_monitor!.jsonSchema, value: { name: 'a', type: 'http', url: 'https://a/', accepted_status_codes: [200] }, ok: false },
    { reason: 'an unknown attribute', schema: schema.resources.kuma_monitor!.jsonSchema, value: { name: 'a', type: 'ping', hostname: 'h', intervall: 60 }, ok: false },
    { reason: 'a tag colour', schema: schema.resources.kuma_tag!.jsonSchema, value: { name: 'a', color: '#DC2626' }, ok: true },
    { reason: 'a tag colour by name', schema: schema.resources.kuma_tag!.jsonSchema, value: { name: 'a', color: 'red' }, ok: false },
    { reason: 'a notification', schema: schema.resources.kuma_notification!.jsonSchema, value: { name: 'n', type: 'ntfy', config: { ntfytopic: 'lab' } }, ok: true },
    { reason: 'a notification hiding its name in config', schema: schema.resources.kuma_notification!.jsonSchema, value: { name: 'n', type: 'ntfy', config: { name: 'x' } }, ok: false },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(valid(c.schema, c.value)).toBe(c.ok);
    });
  }
});
