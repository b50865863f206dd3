/**
 * The fake provider's schema: its provider block, the `fake_resource` resource type (and the
 * placed types of fake-placement.ts) and the `fake_data` data source (fake-provider.ts
 * describes what each attribute does).
 */
import type { ProviderSchema, ResourceTypeSchema } from '../../src/provider/contract.js';
import { fakeBindingSchema, fakeGuestSchema } from './fake-placement.js';

const RESOURCE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'hl:fake_resource',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'Changing it replaces the resource.' },
    value: { description: 'Any value.' },
    size: { type: 'number' },
    tags: { type: 'array', items: { type: 'string' } },
    description: { type: 'string' },
    secret: { type: 'string' },
    fail: { enum: ['create', 'update', 'delete', 'read', 'create-partial', 'update-partial'] },
  },
};

/** `fake_resource`'s schema (a new object each call: callers may change theirs). */
export function fakeResourceSchema(): ResourceTypeSchema {
  return {
    jsonSchema: RESOURCE_SCHEMA,
    importIdFormat: 'fake-N',
    attributes: {
      id: { computed: true },
      serial: { computed: true },
      name: { required: true, forceNew: true },
      value: { optional: true },
      size: { optional: true },
      tags: { optional: true },
      description: { optional: true },
      secret: { optional: true, sensitive: true },
      fail: { optional: true },
    },
  };
}

export function fakeSchema(): ProviderSchema {
  return {
    providerJsonSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        latency_ms: { type: 'number', minimum: 0 },
        world: { type: 'string' },
        calls_log: { type: 'string' },
        fail_rate: { type: 'number', minimum: 0, maximum: 1 },
        lost_reply_rate: { type: 'number', minimum: 0, maximum: 1 },
        fault_seed: { type: 'integer' },
        cluster: {
          type: 'object',
          description: 'What readPlacement reports: { nodes: NodeCapacity[], objects: PlacedObject[] } (src/provider/placement.ts).',
          required: ['nodes'],
          properties: { nodes: { type: 'array', items: { type: 'object' } }, objects: { type: 'array', items: { type: 'object' } } },
        },
      },
    },
    resources: {
      fake_resource: fakeResourceSchema(),
      fake_guest: fakeGuestSchema(),
      fake_binding: fakeBindingSchema(),
    },
    dataSources: {
      fake_data: {
        jsonSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
        attributes: { name: { required: true }, id: { computed: true }, echo: { computed: true } },
      },
    },
  };
}
