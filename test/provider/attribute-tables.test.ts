/**
 * Every provider's attribute table (`ResourceTypeSchema.attributes`) and the JSON Schema of
 * the same resource type or data source say the same thing about config: the JSON Schema's
 * top-level properties are exactly the attributes config may set (required or optional, not
 * computed-only), what the JSON Schema requires the table marks required, and every table
 * attribute is either settable by config or computed by the provider. A mismatch is drift
 * between the two declarations of an attribute. For proxmox, whose attribute tables
 * (providers/proxmox/attributes/) are also read from PVE's config (mapping/), a read yields
 * exactly the table's attributes, in its order. And for every provider's resource types, the
 * forceNew flags are what planning does: a change of only a flagged attribute replaces the
 * object at that attribute (with the reason the plan shows), a change of a settable attribute
 * that is not flagged does not.
 */
import { describe, expect, it } from 'vitest';
import type { AttributeSchema, ProviderFactory, ResourceTypeSchema } from '../../src/provider/contract.js';
import { coralProviderFactory } from '../../providers/coral/index.js';
import { crucibleProviderFactory } from '../../providers/crucible/index.js';
import { fakeProviderFactory } from '../../providers/fake/index.js';
import { kumaProviderFactory } from '../../providers/kuma/index.js';
import { maasProviderFactory } from '../../providers/maas/index.js';
import { proxmoxProviderFactory } from '../../providers/proxmox/index.js';
import { LXC_ATTRIBUTES } from '../../providers/proxmox/attributes/lxc-attributes.js';
import { VM_ATTRIBUTES } from '../../providers/proxmox/attributes/vm-attributes.js';
import type { GuestReadInput } from '../../providers/proxmox/mapping/guest-config-mapping.js';
import { lxcAttributesFromConfig } from '../../providers/proxmox/mapping/lxc-config-mapping.js';
import { vmAttributesFromConfig } from '../../providers/proxmox/mapping/vm-config-mapping.js';
import { planLxc } from '../../providers/proxmox/planning/lxc-plan.js';
import { planVm } from '../../providers/proxmox/planning/vm-plan.js';
import { isUnknown, type Attributes, type Value } from '../../src/core/value.js';
import { forceNewChanges } from '../../src/provider/force-new.js';

const FACTORIES: ProviderFactory[] = [proxmoxProviderFactory, crucibleProviderFactory, coralProviderFactory, maasProviderFactory, kumaProviderFactory, fakeProviderFactory];

/**
 * Drift known and left as it is: the kuma JSON Schemas list the computed `id` (and the
 * monitor's `parent_name`) as properties, so config may write them and planning ignores them.
 * Dropping them from the JSON Schemas would refuse configs accepted today; marking them
 * settable in the tables would be untrue. Listed here so that the drift cannot grow unseen and
 * this entry fails once it is fixed.
 */
const KNOWN_DRIFT: Record<string, string[]> = {
  kuma_monitor: ['id: computed-only in the table, a property of the JSON Schema', 'parent_name: computed-only in the table, a property of the JSON Schema'],
  kuma_tag: ['id: computed-only in the table, a property of the JSON Schema'],
  kuma_notification: ['id: computed-only in the table, a property of the JSON Schema'],
};

interface JsonObjectSchema {
  properties?: Record<string, unknown>;
  required?: string[];
}

const settable = (a: AttributeSchema): boolean => a.required === true || a.optional === true;

/** What a table says config may set, requires, and what config may not set. */
function tableDrift(schema: ResourceTypeSchema): string[] {
  const json = schema.jsonSchema as JsonObjectSchema;
  const properties = Object.keys(json.properties ?? {});
  const problems: string[] = [];
  for (const [name, a] of Object.entries(schema.attributes)) {
    if (!settable(a) && !a.computed) problems.push(`${name}: neither settable by config nor computed`);
    if (settable(a) && !properties.includes(name)) problems.push(`${name}: settable in the table, missing from the JSON Schema`);
    if (!settable(a) && properties.includes(name)) problems.push(`${name}: computed-only in the table, a property of the JSON Schema`);
  }
  for (const name of properties) if (!(name in schema.attributes)) problems.push(`${name}: in the JSON Schema, missing from the table`);
  for (const name of json.required ?? []) if (schema.attributes[name]?.required !== true) problems.push(`${name}: required by the JSON Schema, not required in the table`);
  for (const [name, a] of Object.entries(schema.attributes)) {
    if (a.required && !(json.required ?? []).includes(name)) problems.push(`${name}: required in the table, not required by the JSON Schema`);
  }
  return problems;
}

function typesOf(factory: ProviderFactory): [string, ResourceTypeSchema][] {
  const schema = factory.create().getSchema();
  return [...Object.entries(schema.resources), ...Object.entries(schema.dataSources)];
}

describe('attribute tables match the JSON Schemas', () => {
  for (const factory of FACTORIES) {
    for (const [type, schema] of typesOf(factory)) {
      it(`${factory.type}: ${type}`, () => {
        expect(tableDrift(schema)).toEqual(KNOWN_DRIFT[type] ?? []);
      });
    }
  }

  it('every provider has resource types or data sources to check', () => {
    for (const factory of FACTORIES) expect(typesOf(factory).length).toBeGreaterThan(0);
  });

  it('proxmox: a guest read from PVE has exactly the attributes of its table, in table order', () => {
    const input: GuestReadInput = { node: 'pve', vmid: 100, config: {}, status: 'stopped', pool: null, pending: [], prior: null };
    expect(Object.keys(vmAttributesFromConfig(input))).toEqual(Object.keys(VM_ATTRIBUTES));
    expect(Object.keys(lxcAttributesFromConfig(input))).toEqual(Object.keys(LXC_ATTRIBUTES));
  });

  it('proxmox: a change of each forceNew attribute replaces the guest, and only those are forceNew', () => {
    const input: GuestReadInput = { node: 'pve', vmid: 100, config: {}, status: 'stopped', pool: null, pending: [], prior: null };
    const vm: Attributes = { ...vmAttributesFromConfig(input), clone: { source: 9000, full: true, snapshot: null } };
    const lxc: Attributes = { ...lxcAttributesFromConfig(input), ostemplate: 'local:vztmpl/a.tar.zst' };
    const changes: Record<string, [Attributes, Record<string, Value>, typeof planVm]> = {
      'proxmox_vm.vmid': [vm, { vmid: 101 }, planVm],
      'proxmox_vm.clone': [vm, { clone: { source: 9001 } }, planVm],
      'proxmox_lxc.vmid': [lxc, { vmid: 101 }, planLxc],
      'proxmox_lxc.ostemplate': [lxc, { ostemplate: 'local:vztmpl/b.tar.zst' }, planLxc],
      'proxmox_lxc.unprivileged': [lxc, { unprivileged: true }, planLxc],
    };
    const schema = proxmoxProviderFactory.create().getSchema();
    const forceNew = Object.entries(schema.resources).flatMap(([type, t]) => Object.entries(t.attributes).filter(([, a]) => a.forceNew).map(([name]) => `${type}.${name}`));
    expect(forceNew.sort()).toEqual(Object.keys(changes).sort());
    for (const [address, [prior, change, plan]] of Object.entries(changes)) {
      const name = address.split('.')[1]!;
      const config: Attributes = { node: prior.node!, vmid: prior.vmid!, ...change };
      expect(plan(prior, config, {}).requiresReplace.map((r) => r.path), address).toEqual([[name]]);
    }
  });

  it('finds drift: an attribute only one declaration has', () => {
    const json = { type: 'object', properties: { name: {}, size: {} }, required: ['name'] };
    const drifted: ResourceTypeSchema = {
      jsonSchema: json,
      attributes: { name: { optional: true }, id: { computed: true }, extra: { optional: true }, lost: {} },
    };
    expect(tableDrift(drifted)).toEqual([
      'extra: settable in the table, missing from the JSON Schema',
      'lost: neither settable by config nor computed',
      'size: in the JSON Schema, missing from the table',
      'name: required by the JSON Schema, not required in the table',
    ]);
  });
});

/** A change of one attribute: the value config sets, and for a forceNew one the plan's reason. */
interface Change {
  value: Value;
  reason?: string;
  /** Where the plan points the replacement, when not at the attribute itself. */
  reportedAt?: string;
}

/** A valid object of a type: its state and the config that plans no change against it. */
interface Fixture {
  type: string;
  prior: Attributes;
  config: Attributes;
  /** Every forceNew attribute of the type (over all of its fixtures) appears here. */
  forceNew: Record<string, Change>;
  /** A sample of settable attributes the table does not flag. */
  inPlace: Record<string, Value>;
}

/** A create's planned attributes as the state after it: unknowns become `known` or null. */
function settle(planned: Attributes, known: Attributes = {}): Attributes {
  return Object.fromEntries(Object.entries(planned).map(([k, v]) => [k, isUnknown(v) ? (known[k] ?? null) : v]));
}

const DISK = 'disk/100000/3f9a2c1b7d04e5f6a7b8';
const SNAP = 'snapshot/100000/hl-5abebd39e81c/10G';
const FIXED_IP = 'MAAS keeps the ip, MAC and subnet of a reserved IP fixed (delete and recreate)';
const ONE_GUEST = 'cannot change: a passthrough belongs to one guest on one node';

function fixtures(): Record<string, Fixture[]> {
  const created = (factory: ProviderFactory, type: string, config: Attributes, known: Attributes = {}): Attributes =>
    settle(factory.create().planResource!({ type, prior: null, config, providerConfig: {} }).planned, known);
  const guest: GuestReadInput = { node: 'pve', vmid: 100, config: {}, status: 'stopped', pool: null, pending: [], prior: null };
  const vm: Attributes = { ...vmAttributesFromConfig(guest), clone: { source: 9000, full: true, snapshot: null } };
  const lxc: Attributes = { ...lxcAttributesFromConfig(guest), ostemplate: 'local:vztmpl/a.tar.zst' };
  const record = { type: 'A', fqdn: 'kuma.maas', data: ['192.168.4.60'] };
  const named = { type: 'A', name: 'kuma', domain: 'maas', data: ['192.168.4.60'] };
  const reserved = { ip: '192.168.4.60', mac_address: 'bc:24:11:aa:00:60', subnet: '192.168.4.0/24', comment: 'kuma' };
  const device = { hostname: 'kuma', description: 'uptime kuma', interfaces: { lan: { mac: 'BC:24:11:AA:00:07', subnet: '192.168.4.0/24', ip: '192.168.4.50' } } };
  const passthrough = { node: 'fun-bedbug', vmid: 120, guest_type: 'vm', kind: 'usb', port: '2-1', slot: 'usb0' };
  const disk = { name: 'k3s-data', size: '10G', placement: { node: 'pve', storage: 'local-lvm' } };
  const attachment = { vm: 'pve/107', disks: [{ slot: 0, disk_id: DISK }] };
  const monitor = { name: 'web', type: 'http', url: 'https://web.maas/' };
  const notification = { name: 'ntfy lab', type: 'ntfy', config: { ntfyserverurl: 'https://ntfy.sh', ntfytopic: 'homelab', ntfyPriority: 5 } };
  return {
    proxmox: [
      {
        type: 'proxmox_vm',
        prior: vm,
        config: { node: 'pve', vmid: 100 },
        forceNew: { vmid: { value: 101 }, clone: { value: { source: 9001 } } },
        inPlace: { name: 'web', description: 'x', node: 'pve2' },
      },
      {
        type: 'proxmox_lxc',
        prior: lxc,
        config: { node: 'pve', vmid: 100 },
        forceNew: {
          vmid: { value: 101 },
          ostemplate: { value: 'local:vztmpl/b.tar.zst' },
          unprivileged: { value: true },
        },
        inPlace: { hostname: 'web', description: 'x', node: 'pve2' },
      },
    ],
    crucible: [
      {
        type: 'crucible_disk',
        prior: created(crucibleProviderFactory, 'crucible_disk', disk, { id: DISK, state: 'ready', volume_id: 'local-lvm:vm-100000-disk-0', device_serial: '3f9a2c1b7d04e5f6a7b8', holder_vmid: 100000 }),
        config: disk,
        forceNew: {},
        inPlace: { description: 'x', size: '20G', name: 'k3s-data2' },
      },
      {
        type: 'crucible_snapshot',
        prior: { id: SNAP, name: 's', description: '', disk_id: DISK, consistency: 'crash', state: 'ready', size: '10G', snapname: 'hl-5abebd39e81c', holder_vmid: 100000 },
        config: { name: 's', disk_id: DISK },
        forceNew: {},
        inPlace: { description: 'x', name: 't' },
      },
      {
        type: 'crucible_image',
        prior: { id: 'image/100002/0123456789abcdef0123/10G', name: 'i', description: '', os: 'ubuntu', version: '24.04', source: { type: 'snapshot', id: SNAP }, storage: 'local-lvm', size: '10G', block_size: 512, volume_id: 'local-lvm:base-100002-disk-0', holder_vmid: 100002 },
        config: { name: 'i', os: 'ubuntu', version: '24.04', source: { type: 'snapshot', id: SNAP } },
        forceNew: {},
        inPlace: { description: 'x', name: 'j' },
      },
      {
        type: 'crucible_attachment',
        prior: created(crucibleProviderFactory, 'crucible_attachment', attachment, { id: 'vm/107', vm_status: 'stopped', devices: { scsi0: 'local-lvm:vm-100000-disk-0' } }),
        config: attachment,
        forceNew: { vm: { value: 'pve/108', reason: 'the disks move from VM pve/107 to VM pve/108: detached from the one, attached to the other' } },
        inPlace: { disks: [{ slot: 1, disk_id: DISK }], boot_disk_id: DISK },
      },
    ],
    coral: [
      {
        type: 'coral_passthrough',
        prior: created(coralProviderFactory, 'coral_passthrough', passthrough, { hardware_status: 'ok', guest_status: 'running', pending_restart: false }),
        config: passthrough,
        forceNew: {
          node: { value: 'pve', reason: `node ${ONE_GUEST}` },
          vmid: { value: 121, reason: `vmid ${ONE_GUEST}` },
          guest_type: { value: 'lxc', reason: `guest_type ${ONE_GUEST}` },
          kind: { value: 'pcie', reason: 'a USB and a PCIe Coral are passed through differently' },
          slot: { value: 'usb1', reason: 'the device moves from usb0 to usb1' },
        },
        inPlace: { port: '2-2', mapping: 'coral', allow_shared_iommu_group: true },
      },
    ],
    maas: [
      {
        type: 'maas_device',
        prior: created(maasProviderFactory, 'maas_device', device, { system_id: '4y3h7n', domain: 'maas', zone: 'default', parent: null, fqdn: 'kuma.maas', mac_addresses: ['bc:24:11:aa:00:07'], ip_addresses: ['192.168.4.50'] }),
        config: device,
        forceNew: {},
        inPlace: { hostname: 'web', description: 'x', zone: 'lab' },
      },
      {
        type: 'maas_dns_record',
        prior: created(maasProviderFactory, 'maas_dns_record', record, { name: 'kuma', domain: 'maas' }),
        config: record,
        forceNew: {
          type: { value: 'AAAA', reason: 'a A record cannot become a AAAA record in place' },
          fqdn: { value: 'web.maas', reason: 'the record moves from kuma.maas to web.maas: MAAS records are created anew under the new name' },
        },
        inPlace: { ttl: 60, data: ['192.168.4.61'] },
      },
      {
        type: 'maas_dns_record',
        prior: created(maasProviderFactory, 'maas_dns_record', named, { fqdn: 'kuma.maas' }),
        config: named,
        forceNew: {
          name: { value: 'web', reason: 'the record moves from kuma.maas to web.maas: MAAS records are created anew under the new name' },
          domain: {
            value: 'lab.home',
            reason: 'the record moves from kuma.maas to kuma.lab.home: MAAS records are created anew under the new name',
            reportedAt: 'name',
          },
        },
        inPlace: { ttl: 60 },
      },
      {
        type: 'maas_dns_domain',
        prior: created(maasProviderFactory, 'maas_dns_domain', { name: 'lab.home', ttl: 300 }, { authoritative: true }),
        config: { name: 'lab.home', ttl: 300 },
        forceNew: {},
        inPlace: { name: 'lab2.home', ttl: 60, authoritative: false },
      },
      {
        type: 'maas_tag',
        prior: created(maasProviderFactory, 'maas_tag', { name: 'critical', comment: 'pager' }),
        config: { name: 'critical', comment: 'pager' },
        forceNew: { name: { value: 'urgent', reason: "the tag's name is its id: critical is deleted and urgent created" } },
        inPlace: { comment: 'x', kernel_opts: 'quiet', nodes: ['4y3h7n'] },
      },
      {
        type: 'maas_reserved_ip',
        prior: created(maasProviderFactory, 'maas_reserved_ip', reserved),
        config: reserved,
        forceNew: {
          ip: { value: '192.168.4.61', reason: FIXED_IP },
          mac_address: { value: 'bc:24:11:aa:00:61', reason: FIXED_IP },
          subnet: { value: '10.0.0.0/24', reason: FIXED_IP },
        },
        inPlace: { comment: 'x' },
      },
    ],
    kuma: [
      {
        type: 'kuma_monitor',
        prior: created(kumaProviderFactory, 'kuma_monitor', monitor, { id: '1' }),
        config: monitor,
        forceNew: {},
        inPlace: { name: 'site', url: 'https://site.maas/', interval: 30 },
      },
      {
        type: 'kuma_tag',
        prior: created(kumaProviderFactory, 'kuma_tag', { name: 'pve', color: '#2563EB' }, { id: '1' }),
        config: { name: 'pve', color: '#2563EB' },
        forceNew: {},
        inPlace: { name: 'pve-node', color: '#059669' },
      },
      {
        type: 'kuma_notification',
        prior: created(kumaProviderFactory, 'kuma_notification', notification, { id: '1' }),
        config: notification,
        forceNew: {},
        inPlace: { name: 'ntfy', is_default: true },
      },
    ],
    fake: [
      {
        type: 'fake_resource',
        prior: created(fakeProviderFactory, 'fake_resource', { name: 'a', value: 'x' }, { id: 'fake-1', serial: 0 }),
        config: { name: 'a', value: 'x' },
        forceNew: { name: { value: 'b', reason: 'name cannot be changed in place' } },
        inPlace: { value: 'y', size: 2, description: 'd' },
      },
      {
        type: 'fake_guest',
        prior: created(fakeProviderFactory, 'fake_guest', { name: 'g', node: 'pve', memory: 1024, storage: 'local-lvm' }, { id: 'fake-2', serial: 0 }),
        config: { name: 'g', node: 'pve', memory: 1024, storage: 'local-lvm' },
        forceNew: { storage: { value: 'tank', reason: 'storage cannot be changed in place' } },
        inPlace: { name: 'h', node: 'pumped-piglet', memory: 2048, cores: 2, running: false },
      },
      {
        type: 'fake_binding',
        prior: created(fakeProviderFactory, 'fake_binding', { guest: 'fake-2', node: 'pve' }, { id: 'fake-3', serial: 0 }),
        config: { guest: 'fake-2', node: 'pve' },
        forceNew: {},
        inPlace: { guest: 'fake-4', node: 'chief-horse', what: 'a USB stick' },
      },
    ],
  };
}

describe('forceNew flags are what planning does', () => {
  const all = fixtures();
  for (const factory of FACTORIES) {
    const provider = factory.create();
    const plan = (type: string, prior: Attributes, config: Attributes) => provider.planResource!({ type, prior, config, providerConfig: {} });
    const schema = provider.getSchema();
    const cases = all[factory.type] ?? [];

    it(`${factory.type}: every resource type has a fixture, and every forceNew attribute a change`, () => {
      expect([...new Set(cases.map((c) => c.type))].sort()).toEqual(Object.keys(schema.resources).sort());
      for (const [type, t] of Object.entries(schema.resources)) {
        const flagged = Object.entries(t.attributes).filter(([, a]) => a.forceNew).map(([name]) => name);
        const changed = cases.filter((c) => c.type === type).flatMap((c) => Object.keys(c.forceNew));
        expect(changed.sort(), type).toEqual(flagged.sort());
      }
    });

    for (const c of cases) {
      const attributes = schema.resources[c.type]!.attributes;
      it(`${factory.type}: ${c.type} (forceNew: ${Object.keys(c.forceNew).join(', ') || 'none'})`, () => {
        expect(plan(c.type, c.prior, c.config).requiresReplace, 'the fixture plans no replacement').toEqual([]);
        for (const [name, change] of Object.entries(c.forceNew)) {
          expect(attributes[name]?.forceNew, `${name} is flagged`).toBe(true);
          const replaced = plan(c.type, c.prior, { ...c.config, [name]: change.value }).requiresReplace;
          expect(replaced.map((r) => r.path), name).toEqual([[change.reportedAt ?? name]]);
          if (change.reason !== undefined) expect(replaced[0]!.reason, name).toBe(change.reason);
        }
        for (const [name, value] of Object.entries(c.inPlace)) {
          const a = attributes[name];
          expect(a?.forceNew, `${name} is not flagged`).toBeFalsy();
          expect(a?.required === true || a?.optional === true, `${name} is settable`).toBe(true);
          expect(plan(c.type, c.prior, { ...c.config, [name]: value }).requiresReplace, name).toEqual([]);
        }
      });
    }
  }

  it('forceNewChanges: flagged attributes in table order, structural without a rule, no rule for an unflagged one', () => {
    const table: Record<string, AttributeSchema> = { b: { required: true, forceNew: true }, a: { optional: true, forceNew: true }, c: { optional: true } };
    const values = { prior: { a: 1, b: 'x', c: 1 }, planned: { a: 2, b: 'y', c: 2 }, config: {} };
    const rules = { a: { changed: () => true, reason: ({ prior }: { prior: Attributes }) => `a was ${String(prior.a)}` } };
    expect(forceNewChanges(table, values, rules)).toEqual([
      { path: ['b'], reason: 'b cannot be changed in place' },
      { path: ['a'], reason: 'a was 1' },
    ]);
    expect(forceNewChanges(table, values, { a: { reportedUnder: 'b' } }).map((r) => r.path)).toEqual([['b']]);
    expect(() => forceNewChanges(table, values, { c: { changed: () => true, reason: 'c' } })).toThrow(/does not flag forceNew/);
    expect(() => forceNewChanges(table, values, { a: { reportedUnder: 'c' } })).toThrow(/not forceNew/);
  });
});
