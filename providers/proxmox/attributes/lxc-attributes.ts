/**
 * The top-level attributes of `proxmox_lxc`, each declared once (guest-attribute.ts), in the
 * order they are planned and stored: who sets it, how it is planned, what replaces the
 * container (node, vmid, a different template, switching privileged/unprivileged) and the
 * settings a running container may take only at its next start, in the order the reboot note
 * names them. Replacements inside a block (a rootfs or mount point that would move or shrink)
 * are the planner's (planning/lxc-plan.ts).
 */
import type { Attributes, Value } from '../../../src/core/value.js';
import { canonMac, canonSize, canonSpaceList, canonStringList } from '../mapping/pve-values.js';
import { replaceIfChanged, type Replacement } from '../planning/guest-plan-common.js';
import { NETWORKS_DESCRIPTION, sharedAttributes } from './common-attributes.js';
import { PLACEMENT_ATTRIBUTE } from './placement-attribute.js';
import { scalar as sc, serverDecides, settable, type GuestAttributeTable } from './guest-attribute.js';

function canonMountList(v: Value): Value {
  const list = canonStringList(v);
  return Array.isArray(list) ? [...list].sort() : list;
}

/** A different template means a new container; a template added to an existing one is only recorded. */
function templateReplacement(prior: Attributes, planned: Attributes, out: Replacement[], notes: string[]): void {
  replaceIfChanged(
    out,
    prior,
    planned,
    'ostemplate',
    'a container is created from its template once; a different template means a new container',
  );
  if (prior.ostemplate === null && typeof planned.ostemplate === 'string') {
    notes.push('ostemplate is only used when a container is created; for this existing container it is recorded');
  }
}

const shared = sharedAttributes('container');

export const LXC_ATTRIBUTES: GuestAttributeTable = {
  id: shared.id,
  node: shared.node,
  vmid: shared.vmid,
  hostname: settable('Host name', sc({ createDefault: 'unknown' }), { live: { key: 'hostname', notePosition: 7 } }),
  description: shared.description,
  tags: shared.tags,
  pool: shared.pool,
  ostemplate: {
    description: 'Template (used at creation)',
    setBy: 'config',
    plan: sc({ createDefault: null }),
    forceNew: templateReplacement,
  },
  password: {
    description: 'Root password (used at creation)',
    setBy: 'config',
    plan: sc({ createOnly: true, createDefault: null }),
    sensitive: true,
  },
  ssh_public_keys: {
    description: 'Root SSH keys (used at creation)',
    setBy: 'config',
    plan: sc({ canon: canonStringList, createOnly: true, createDefault: [] }),
  },
  cores: settable('CPU cores', sc({ createDefault: null }), { live: { key: 'cores', notePosition: 6 } }),
  memory: settable('Memory (MiB)', serverDecides, { live: { key: 'memory', notePosition: 4 } }),
  swap: settable('Swap (MiB)', serverDecides, { live: { key: 'swap', notePosition: 5 } }),
  ostype: settable('OS type', serverDecides, { live: { key: 'ostype', notePosition: 3 } }),
  onboot: shared.onboot,
  protection: shared.protection,
  // Left out: unprivileged, whatever the cluster's release would default to (always sent).
  unprivileged: settable('Unprivileged container', sc({ createDefault: true }), {
    forceNew: 'a container cannot switch between privileged and unprivileged in place',
  }),
  nameserver: settable('DNS servers', sc({ canon: canonSpaceList, createDefault: null }), { live: { key: 'nameserver', notePosition: 1 } }),
  searchdomain: settable('DNS search domain', sc({ canon: canonSpaceList, createDefault: null }), {
    live: { key: 'searchdomain', notePosition: 2 },
  }),
  started: shared.started,
  status: shared.status,
  pending_changes: shared.pending_changes,
  rootfs: settable('Root file system', {
    kind: 'object',
    createDefault: 'unknown',
    fields: {
      storage: sc({ createDefault: 'unknown' }),
      size: sc({ canon: canonSize, createDefault: 'unknown' }),
      volume: sc({ computedOnly: true }),
    },
  }),
  mount_points: settable('Mount points keyed by slot', {
    kind: 'slots',
    fields: {
      storage: sc(),
      size: sc({ canon: canonSize }),
      path: sc(),
      host_path: sc(),
      backup: sc({ createDefault: false }),
      read_only: sc({ createDefault: false }),
      volume: sc({ computedOnly: true }),
    },
  }),
  features: settable(
    'Container features',
    {
      kind: 'object',
      createDefault: { nesting: false, keyctl: false, fuse: false, mknod: false, mount: [] },
      fields: {
        nesting: sc({ createDefault: false }),
        keyctl: sc({ createDefault: false }),
        fuse: sc({ createDefault: false }),
        mknod: sc({ createDefault: false }),
        mount: sc({ canon: canonMountList, createDefault: [] }),
      },
    },
    { live: { key: 'features', notePosition: 0 } },
  ),
  dev: settable('Device nodes keyed by slot', {
    kind: 'slots',
    fields: { path: sc(), mode: sc(), uid: sc(), gid: sc(), deny_write: sc({ createDefault: false }) },
  }),
  networks: settable(NETWORKS_DESCRIPTION, {
    kind: 'slots',
    fields: {
      name: sc({ createDefault: 'unknown' }),
      bridge: sc(),
      ip: sc(),
      gw: sc(),
      ip6: sc(),
      gw6: sc(),
      mac: sc({ canon: canonMac, createDefault: 'unknown' }),
      firewall: sc({ createDefault: false }),
      tag: sc(),
      rate: sc(),
      mtu: sc(),
      link_down: sc({ createDefault: false }),
    },
  }),
  placement: PLACEMENT_ATTRIBUTE,
};
