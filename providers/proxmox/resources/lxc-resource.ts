/**
 * `proxmox_lxc`: how a container is made — `POST /nodes/{node}/lxc` with the template, the
 * config (rootfs and mount points as `STORAGE:SIZE_GiB`), hl's marker in `description`, and
 * the create-only `password` and `ssh-public-keys`.
 */
import type { Attributes } from '../../../src/core/value.js';
import { ProviderError, type OperationContext } from '../../../src/provider/contract.js';
import { lxcAttributesFromConfig, lxcConfigChanges, lxcMarkerFacts, lxcVolumeResizes } from '../mapping/lxc-config-mapping.js';
import type { GuestContext } from './guest-context.js';
import { dispatchCreate, type CreateIdentity } from './guest-create.js';
import type { GuestKindAdapter } from './guest-resource.js';

async function dispatchLxc(
  ctx: GuestContext,
  planned: Attributes,
  identity: CreateIdentity,
  markerLine: string,
  op: OperationContext,
): Promise<'created' | 'adopted'> {
  const { node, vmid } = identity;
  if (typeof planned.ostemplate !== 'string') {
    throw new ProviderError('ostemplate is required to create a container (e.g. "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst")');
  }
  const changes = lxcConfigChanges({ planned, live: {}, markerLine });
  const keys = Array.isArray(planned.ssh_public_keys) ? planned.ssh_public_keys.filter((k): k is string => typeof k === 'string') : [];
  const params = {
    vmid,
    ostemplate: planned.ostemplate,
    ...changes.set,
    ...(typeof planned.pool === 'string' ? { pool: planned.pool } : {}),
    ...(typeof planned.password === 'string' ? { password: planned.password } : {}),
    ...(keys.length > 0 ? { 'ssh-public-keys': keys.join('\n') } : {}),
  };
  return dispatchCreate(
    ctx,
    {
      type: 'lxc',
      identity,
      operation: 'create',
      what: `create of CT ${vmid} on ${node}`,
      post: () => ctx.client.request('POST', `/nodes/${node}/lxc`, params, { resend: false, ...(op.signal ? { signal: op.signal } : {}) }),
    },
    op,
  );
}

export const LXC_ADAPTER: GuestKindAdapter = {
  type: 'lxc',
  resourceType: 'proxmox_lxc',
  readAttributes: (input) => lxcAttributesFromConfig(input),
  changes: (planned, live, _prior, markerLine, tagStyle) =>
    lxcConfigChanges({ planned, live, tagStyle, ...(markerLine ? { markerLine } : {}) }),
  markerFacts: lxcMarkerFacts,
  resizes: (planned, live) => lxcVolumeResizes(planned, live),
  isVolumeKey: (key) => key === 'rootfs' || /^mp\d+$/.test(key),
  dispatch: dispatchLxc,
  resendSecretsAfterCreate: () => false,
};
