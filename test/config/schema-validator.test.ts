import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/yaml/node.js';
import { nodeToValue } from '../../src/yaml/node-value.js';
import { compileSchema } from '../../src/schema/schema-compile.js';
import { validateAgainstSchema } from '../../src/schema/schema-validator.js';
import { parseYamlFile } from '../../src/yaml/yaml-to-node.js';
import { UNKNOWN, type Value } from '../../src/core/value.js';

/** A small per-type schema, like the ones providers ship for their resource types. */
const VM_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['node', 'name'],
  additionalProperties: false,
  properties: {
    node: { type: 'string' },
    name: { type: 'string', pattern: '^[a-z0-9-]+$' },
    memory: { type: 'integer', minimum: 16, maximum: 1048576 },
    cores: { type: 'integer', exclusiveMinimum: 0 },
    ostype: { enum: ['l26', 'win11', 'other'] },
    mac: { type: 'string', pattern: '^([0-9a-f]{2}:){5}[0-9a-f]{2}$', patternErrorMessage: 'expected a MAC address such as bc:24:11:00:00:01' },
    ip: { type: 'string', format: 'ipv4' },
    size: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^[0-9]+[KMGT]$' }] },
    description: { type: 'string', maxLength: 20 },
    tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, maxItems: 3 },
    networks: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['bridge'],
        additionalProperties: false,
        properties: { model: { enum: ['virtio', 'e1000'] }, bridge: { type: 'string' }, firewall: { type: 'boolean' } },
      },
    },
    disk: {
      oneOf: [
        { type: 'object', required: ['size'], additionalProperties: false, properties: { size: { type: 'integer' }, storage: { type: 'string' } } },
        { type: 'object', required: ['import_from'], additionalProperties: false, properties: { import_from: { type: 'string' } } },
      ],
    },
    boot: { $ref: '#/definitions/boot' },
    boots: { anyOf: [{ $ref: '#/definitions/boot' }, { type: 'array', items: { $ref: '#/definitions/boot' } }] },
    token: { type: 'string', minLength: 8 },
  },
  definitions: {
    boot: { type: 'object', required: ['order'], additionalProperties: false, properties: { order: { type: 'string' } } },
  },
};

function source(yaml: string): { node: Node; value: Value } {
  const r = parseYamlFile({ path: 'vm.yaml', text: yaml });
  expect(r.diagnostics).toEqual([]);
  return { node: r.node!, value: nodeToValue(r.node!) };
}

function check(yaml: string, patch?: (v: Record<string, Value>) => Value, options = {}) {
  const { node, value } = source(yaml);
  const v = patch ? patch(value as Record<string, Value>) : value;
  return validateAgainstSchema(VM_SCHEMA, v, node, 'proxmox_vm.k3s', options).map((d) => ({
    summary: d.summary,
    at: d.location ? `${d.location.line}:${d.location.col}` : undefined,
  }));
}

const VALID = 'node: pve\nname: k3s\n';

describe('validateAgainstSchema: messages and locations', () => {
  const cases: { reason: string; yaml: string; expected: { summary: string; at: string }[] }[] = [
    {
      reason: 'unsupported attribute, with did-you-mean, at the key',
      yaml: 'node: pve\nname: k3s\nnmae: k3s\n',
      expected: [{ summary: 'Unsupported attribute "nmae" in proxmox_vm.k3s. Did you mean "name"?', at: '3:1' }],
    },
    {
      reason: 'unsupported attribute without a close name',
      yaml: `${VALID}flavour: big\n`,
      expected: [{ summary: 'Unsupported attribute "flavour" in proxmox_vm.k3s', at: '3:1' }],
    },
    {
      reason: 'wrong type, quoting the value',
      yaml: `${VALID}memory: lots\n`,
      expected: [{ summary: 'Attribute "memory" must be a whole number, got string "lots"', at: '3:9' }],
    },
    {
      reason: 'missing required attribute, at the object',
      yaml: 'name: k3s\n',
      expected: [{ summary: 'Missing required attribute "node" in proxmox_vm.k3s', at: '1:1' }],
    },
    {
      reason: 'missing required attribute written as null, at its key',
      yaml: 'name: k3s\nnode:\n',
      expected: [{ summary: 'Missing required attribute "node" in proxmox_vm.k3s', at: '2:1' }],
    },
    {
      reason: 'enum lists the allowed values and suggests one',
      yaml: `${VALID}ostype: l25\n`,
      expected: [{ summary: 'Attribute "ostype" must be one of "l26", "win11", "other", got string "l25". Did you mean "l26"?', at: '3:9' }],
    },
    {
      reason: 'pattern quotes pattern and value',
      yaml: 'node: pve\nname: K3S_VM\n',
      expected: [{ summary: 'Attribute "name" must match the pattern "^[a-z0-9-]+$", got string "K3S_VM"', at: '2:7' }],
    },
    {
      reason: 'pattern with an explanation',
      yaml: `${VALID}mac: zz\n`,
      expected: [{ summary: 'Attribute "mac" is invalid: expected a MAC address such as bc:24:11:00:00:01 (got string "zz")', at: '3:6' }],
    },
    {
      reason: 'minimum and maximum give the bound',
      yaml: `${VALID}memory: 8\ncores: 0\n`,
      expected: [
        { summary: 'Attribute "memory" must be at least 16, got number 8', at: '3:9' },
        { summary: 'Attribute "cores" must be greater than 0, got number 0', at: '4:8' },
      ],
    },
    {
      reason: 'maximum',
      yaml: `${VALID}memory: 2000000\n`,
      expected: [{ summary: 'Attribute "memory" must be at most 1048576, got number 2000000', at: '3:9' }],
    },
    {
      reason: 'format',
      yaml: `${VALID}ip: 10.0.0.300\n`,
      expected: [{ summary: 'Attribute "ip" must be a valid ipv4, got string "10.0.0.300"', at: '3:5' }],
    },
    {
      reason: 'string length',
      yaml: `${VALID}description: this description is far too long\n`,
      expected: [{ summary: 'Attribute "description" must be at most 20 characters long, got 32 characters', at: '3:14' }],
    },
    {
      reason: 'list rules',
      yaml: `${VALID}tags: [a, a]\n`,
      expected: [{ summary: 'Attribute "tags" must not contain duplicates (items 0 and 1 are equal)', at: '3:7' }],
    },
    {
      reason: 'nested attributes get a dotted path and their own location',
      yaml: `${VALID}networks:\n  net0: { modle: virtio, bridge: 3 }\n  net1: { model: virtio }\n`,
      expected: [
        { summary: 'Unsupported attribute "networks.net0.modle" in proxmox_vm.k3s. Did you mean "model"?', at: '4:11' },
        { summary: 'Attribute "networks.net0.bridge" must be a string, got number 3', at: '4:34' },
        { summary: 'Missing required attribute "networks.net1.bridge" in proxmox_vm.k3s', at: '5:9' },
      ],
    },
    {
      reason: 'list items are indexed',
      yaml: `${VALID}tags:\n  - a\n  - 7\n`,
      expected: [{ summary: 'Attribute "tags[1]" must be a string, got number 7', at: '5:5' }],
    },
    {
      reason: 'anyOf: a value of no allowed type gets one combined message',
      yaml: `${VALID}size: true\n`,
      expected: [{ summary: 'Attribute "size" must be a whole number or a string, got boolean true', at: '3:7' }],
    },
    {
      reason: 'anyOf: the branch of the right type is reported, not the others',
      yaml: `${VALID}size: 10Q\n`,
      expected: [{ summary: 'Attribute "size" must match the pattern "^[0-9]+[KMGT]$", got string "10Q"', at: '3:7' }],
    },
    {
      reason: 'anyOf: only the matching branch even when it is reached through $ref',
      yaml: `${VALID}boots: { order: 1 }\n`,
      expected: [{ summary: 'Attribute "boots.order" must be a string, got number 1', at: '3:17' }],
    },
    {
      reason: 'anyOf through $ref: the list branch when a list is given',
      yaml: `${VALID}boots:\n  - { order: scsi0 }\n  - { ordr: net0 }\n`,
      expected: [
        { summary: 'Missing required attribute "boots[1].order" in proxmox_vm.k3s', at: '5:5' },
        { summary: 'Unsupported attribute "boots[1].ordr" in proxmox_vm.k3s. Did you mean "order"?', at: '5:7' },
      ],
    },
    {
      reason: 'oneOf: the branch that got deepest wins',
      yaml: `${VALID}disk: { size: big }\n`,
      expected: [{ summary: 'Attribute "disk.size" must be a whole number, got string "big"', at: '3:15' }],
    },
    {
      reason: 'oneOf: a value of the wrong type',
      yaml: `${VALID}disk: 32\n`,
      expected: [{ summary: 'Attribute "disk" must be a map, got number 32', at: '3:7' }],
    },
    {
      reason: '$ref outside a combinator',
      yaml: `${VALID}boot: {}\n`,
      expected: [{ summary: 'Missing required attribute "boot.order" in proxmox_vm.k3s', at: '3:7' }],
    },
    {
      reason: 'the whole value of the wrong type',
      yaml: '[1, 2]\n',
      expected: [{ summary: 'proxmox_vm.k3s must be a map, got a list', at: '1:1' }],
    },
  ];

  it.each(cases)('$reason', ({ yaml, expected }) => {
    expect(check(yaml)).toEqual(expected);
  });

  it('is silent for a valid value', () => {
    expect(check(`${VALID}memory: 4096\nsize: 32G\nnetworks: { net0: { bridge: vmbr0 } }\n`)).toEqual([]);
  });

  it('treats null attributes as not set', () => {
    expect(check(`${VALID}memory:\nostype: ~\n`)).toEqual([]);
  });

  it('validates as written when asked (config files)', () => {
    expect(check(`${VALID}memory:\n`, undefined, { nullIsUnset: false })).toEqual([
      { summary: 'Attribute "memory" must be a whole number, got null', at: '3:8' },
    ]);
  });
});

describe('validateAgainstSchema: unknown values', () => {
  it('never fails a check on an unknown value', () => {
    const d = check('name: k3s\nmemory: x\nostype: x\nsize: x\nmac: x\ndisk: x\nboots: x\n', (v) => ({
      ...v,
      node: UNKNOWN,
      memory: UNKNOWN,
      ostype: UNKNOWN,
      size: UNKNOWN,
      mac: UNKNOWN,
      disk: UNKNOWN,
      boots: UNKNOWN,
    }));
    expect(d).toEqual([]);
  });

  it('still reports unsupported attributes whose value is unknown', () => {
    expect(check(`${VALID}nmae: x\n`, (v) => ({ ...v, nmae: UNKNOWN }))).toEqual([
      { summary: 'Unsupported attribute "nmae" in proxmox_vm.k3s. Did you mean "name"?', at: '3:1' },
    ]);
  });

  it('does not judge a container by its unknown items', () => {
    expect(check(`${VALID}tags: [a, x]\n`, (v) => ({ ...v, tags: ['a', UNKNOWN, UNKNOWN] }))).toEqual([]);
  });

  it('still reports known problems next to unknowns', () => {
    expect(check(`${VALID}tags: [a, x, 3]\n`, (v) => ({ ...v, tags: ['a', UNKNOWN, 3] }))).toEqual([
      { summary: 'Attribute "tags[2]" must be a string, got number 3', at: '3:14' },
    ]);
  });

  it('skips a value that is entirely unknown', () => {
    expect(validateAgainstSchema(VM_SCHEMA, UNKNOWN, undefined, 'x')).toEqual([]);
  });

  it('still reports a known problem inside a combinator next to an unknown', () => {
    expect(check(`${VALID}disk: { size: big, storage: x }\n`, (v) => ({ ...v, disk: { size: 'big', storage: UNKNOWN } }))).toEqual([
      { summary: 'Attribute "disk.size" must be a whole number, got string "big"', at: '3:15' },
    ]);
  });

  it('a combinator branch failing only on an unknown may pass', () => {
    expect(check(`${VALID}disk: { size: x }\n`, (v) => ({ ...v, disk: { size: UNKNOWN } }))).toEqual([]);
  });
});

describe('validateAgainstSchema: values from expressions', () => {
  it('falls back to the nearest written node when the value came from an expression', () => {
    const { node } = source('node: pve\nname: k3s\nnetworks: "${local.nets}"\n');
    const value = { node: 'pve', name: 'k3s', networks: { net0: { bridge: 5 } } };
    const d = validateAgainstSchema(VM_SCHEMA, value, node, 'proxmox_vm.k3s["pve"]');
    expect(d).toHaveLength(1);
    expect(d[0]!.summary).toBe('Attribute "networks.net0.bridge" must be a string, got number 5');
    expect(d[0]!.location).toEqual({ file: 'vm.yaml', line: 3, col: 11 });
  });

  it('reports without a location when no node is given', () => {
    const d = validateAgainstSchema(VM_SCHEMA, { node: 'pve' }, undefined, 'proxmox_vm.k3s');
    expect(d).toEqual([{ severity: 'error', summary: 'Missing required attribute "name" in proxmox_vm.k3s' }]);
  });

  it('never quotes sensitive values', () => {
    const d = validateAgainstSchema(VM_SCHEMA, { node: 'pve', name: 'k3s', token: 'hunter2' }, undefined, 'proxmox_vm.k3s', {
      sensitivePaths: [['token']],
    });
    expect(d.map((x) => x.summary)).toEqual(['Attribute "token" must be at least 8 characters long, got 7 characters']);
    const t = validateAgainstSchema(VM_SCHEMA, { node: 'pve', name: 'k3s', memory: 'hunter2' }, undefined, 'proxmox_vm.k3s', {
      sensitivePaths: [[]],
    });
    expect(t[0]!.summary).toBe('Attribute "memory" must be a whole number, got string (sensitive value)');
  });

  it('uses describePath to name what a path belongs to', () => {
    const d = validateAgainstSchema(VM_SCHEMA, { node: 'pve', name: 'k3s', memory: 'x' }, undefined, 'ignored', {
      describePath: (path) => ({ context: 'the VM', attribute: path, noun: 'setting' }),
    });
    expect(d[0]!.summary).toBe('Setting "memory" must be a whole number, got string "x"');
  });
});

describe('validateAgainstSchema: schemas', () => {
  it('compiles each schema object once', () => {
    expect(compileSchema(VM_SCHEMA)).toBe(compileSchema(VM_SCHEMA));
  });

  it('supports draft 2020-12 schemas', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { ports: { type: 'array', prefixItems: [{ type: 'integer' }] } },
      $defs: {},
    };
    const d = validateAgainstSchema(schema, { ports: ['x'] }, undefined, 'kuma_monitor.api');
    expect(d.map((x) => x.summary)).toEqual(['Attribute "ports[0]" must be a whole number, got string "x"']);
  });

  it('recompiles a schema object with an $id that was already registered', () => {
    const a = { $id: 'https://hl.example/t.json', type: 'string' };
    const b = { $id: 'https://hl.example/t.json', type: 'number' };
    expect(validateAgainstSchema(a, 1, undefined, 'a')).toHaveLength(1);
    expect(validateAgainstSchema(b, 1, undefined, 'b')).toEqual([]);
  });

  it('throws for a malformed schema (a bug, not a user error)', () => {
    expect(() => validateAgainstSchema({ type: 'strnig' }, 'x', undefined, 'x')).toThrow();
  });

  it('uses errorMessage annotations', () => {
    const schema = { type: 'object', properties: { count: { type: 'integer', errorMessage: 'count must be a whole number' } } };
    expect(validateAgainstSchema(schema, { count: 'x' }, undefined, 'r').map((d) => d.summary)).toEqual([
      'count must be a whole number (got string "x")',
    ]);
  });
});
