import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_PATH, DATA_KEY, DEPENDS_ON_ENTRY, IDENTIFIER, PROVIDER_KEY, RESOURCE_KEY } from '../../src/config/config-names.js';
import { CONFIG_SCHEMA, describeConfigPath } from '../../src/config/config-schema.js';
import { decodeConfigFile } from '../../src/config/decode-config-file.js';
import { DecodeReport } from '../../src/config/decode-report.js';
import { nodeToValue } from '../../src/yaml/node-value.js';
import { compileSchema } from '../../src/schema/schema-compile.js';
import { validateAgainstSchema } from '../../src/schema/schema-validator.js';
import { parseYamlFile } from '../../src/yaml/yaml-to-node.js';

type Schema = Record<string, unknown>;
const schema = CONFIG_SCHEMA as Schema;
const defs = schema.definitions as Record<string, Schema>;
const props = schema.properties as Record<string, Schema>;

function pattern(s: unknown): RegExp {
  return new RegExp((s as { pattern: string }).pattern, 'u');
}

describe('config-shape.schema.json', () => {
  it('compiles with ajv in strict mode', () => {
    expect(() => compileSchema(CONFIG_SCHEMA)).not.toThrow();
  });

  it('is draft-07, like the editor modeline expects', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('describes every top-level key and every property, for editors', () => {
    const missing: string[] = [];
    const walk = (s: unknown, where: string): void => {
      if (typeof s !== 'object' || s === null) return;
      const o = s as Schema;
      for (const [k, v] of Object.entries((o.properties as Record<string, Schema>) ?? {})) {
        const target = typeof v.$ref === 'string' ? defs[v.$ref.split('/').pop()!] : v;
        if (typeof target?.description !== 'string' && typeof v.description !== 'string') missing.push(`${where}.${k}`);
        walk(target, `${where}.${k}`);
      }
    };
    walk(schema, '');
    for (const [name, d] of Object.entries(defs)) walk(d, `#${name}`);
    expect(missing).toEqual([]);
  });

  const samples = [
    'proxmox_vm.k3s',
    'data.maas_subnet.lan',
    'maas_subnet.lan',
    'proxmox_vm',
    'proxmox_vm.k3s[0]',
    'kuma.fun-bedbug',
    'proxmox',
    'Proxmox',
    'a.b.c',
    'k3s-api',
    '_x',
    '1abc',
    'disks.scsi0.size',
    'tags[0]',
    'labels["a b"]',
    'disks..size',
    '${maas_device.k3s}',
    '${ data.maas_subnet.lan }',
    '${maas_device.k3s',
    'a b',
  ];
  it.each([
    ['resource keys', pattern((props.resources as Schema).propertyNames), RESOURCE_KEY],
    ['data source keys', pattern((props.data as Schema).propertyNames), DATA_KEY],
    ['provider keys', pattern((props.providers as Schema).propertyNames), PROVIDER_KEY],
    ['provider meta-argument', pattern(defs.metaProvider), PROVIDER_KEY],
    ['variable names', pattern((props.variables as Schema).propertyNames), IDENTIFIER],
    ['local names', pattern((props.locals as Schema).propertyNames), IDENTIFIER],
    ['output names', pattern((props.outputs as Schema).propertyNames), IDENTIFIER],
    ['depends_on entries', pattern((defs.dependsOn as Schema).items), DEPENDS_ON_ENTRY],
    [
      'ignore_changes entries',
      pattern((((defs.lifecycle!.properties as Schema).ignore_changes as Schema).anyOf as Schema[])[1]!.items),
      ATTRIBUTE_PATH,
    ],
  ])('%s: the schema and the decoder accept the same names', (_what, fromSchema, fromCode) => {
    for (const s of samples) expect(fromSchema.test(s), s).toBe(fromCode.test(s));
  });
});

/** Every parse-stage corpus file and a few valid ones: the schema and the decoder agree on validity. */
describe('the schema and the decoder agree', () => {
  const corpus = path.join('test', 'fixtures', 'invalid');
  const files: { path: string; text: string }[] = [];
  for (const name of readdirSync(corpus).sort()) {
    const dir = path.join(corpus, name);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) files.push({ path: path.join(dir, f), text: readFileSync(path.join(dir, f), 'utf8') });
  }
  files.push({ path: 'valid.yaml', text: 'variables: { a: ~ }\nproviders: { proxmox: ~ }\nresources: { proxmox_vm.a: ~ }\ndata: { maas_subnet.b: ~ }\n' });

  it.each(files.map((f) => [f.path, f] as const))('%s', (_p, file) => {
    const parsed = parseYamlFile(file);
    if (!parsed.node || parsed.diagnostics.some((d) => d.severity === 'error')) return;
    const schemaProblems = validateAgainstSchema(CONFIG_SCHEMA, nodeToValue(parsed.node), parsed.node, file.path, {
      describePath: describeConfigPath,
      nullIsUnset: false,
    });
    const report = new DecodeReport();
    decodeConfigFile(parsed.node, report);
    expect(report.shape.length > 0, `schema: ${schemaProblems.map((d) => d.summary).join('; ')}; decoder: ${report.shape.map((d) => d.summary).join('; ')}`).toBe(
      schemaProblems.length > 0,
    );
  });
});
