/**
 * crucible_attachment: the crucible disks a VM uses, by slot (slot N is the VM's `scsiN`),
 * with its boot disk. A drive is `<volid>,serial=<disk serial>` (`ro=1` for a read-only disk):
 * the volume stays its holder's, so PVE never frees it with the VM, and detaching it
 * (`delete=scsiN`) drops the key without parking it in `unusedN` (only a volume's owner gets
 * that). The serial is the disk's device serial, which the guest sees
 * (/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_<serial>) and by which hl recognises its drives.
 *
 * Apply: every disk is checked first (exists, is on the VM's node or shared storage, is not
 * attached to another VM, its slot is free or already its own); then, only when something
 * changes, a running VM is shut down, the drives and the boot order are written in one config
 * update, and the VM is started again. Only the listed slots (and those listed before) are
 * touched. The boot order holds a crucible disk only as the boot disk, first.
 */
import type { Attributes } from '../../../src/core/value.js';
import { ProviderError, type CreateResponse, type OperationContext } from '../../../src/provider/contract.js';
import { isNodeUnreachable } from '../../pve/client/pve-error.js';
import { parseDiskId, parseVmRef, attachmentId } from '../model/resource-ids.js';
import { type PveSession, vmPath } from '../connection/pve-session.js';
import { entriesOf } from '../planning/attachment-plan.js';
import { whileStopped } from './guest-power.js';
import { lookupHolder } from './holder-guest.js';
import { isTombstone } from './tombstones.js';
import { describeUser, driveFacts, volumeUsers } from './volume-users.js';

interface Entry {
  slot: number;
  disk_id: string;
}

interface Resolved extends Entry {
  key: string;
  serial: string;
  volid: string;
  readOnly: boolean;
}

export function vmidOfAttachment(id: string, prior: Attributes | null, planned?: Attributes): number {
  for (const v of [planned?.vm, prior?.vm]) {
    const ref = typeof v === 'string' ? parseVmRef(v) : undefined;
    if (ref) return ref.vmid;
  }
  const m = /^vm\/(\d+)$/.exec(id);
  if (m) return Number(m[1]);
  throw new ProviderError(`"${id}" is not a crucible attachment id (vm/<vmid>)`);
}

function parseOrder(boot: string | undefined): string[] {
  const m = /(?:^|,)order=([^,]*)/.exec(boot ?? '');
  return m ? m[1]!.split(';').filter((d) => d !== '') : [];
}

async function resolve(s: PveSession, vm: { node: string; vmid: number }, e: Entry, op: OperationContext): Promise<Resolved> {
  const ref = parseDiskId(e.disk_id);
  if (!ref) throw new ProviderError(`"${e.disk_id}" is not a crucible disk id`);
  const l = await lookupHolder(s, ref.vmid, 'disk', ref.serial, op);
  if ('unreachable' in l)
    throw new ProviderError(`crucible disk ${e.disk_id}: node ${l.unreachable.node} does not answer`, { retryable: true });
  if (!('found' in l) || isTombstone(l.found) || !l.found.drive) throw new ProviderError(`crucible disk ${e.disk_id} does not exist`);
  const h = l.found;
  const volid = h.drive!.volid;
  const facts = await s.storage(h.node, volid.split(':')[0]!, op);
  if (h.node !== vm.node && !facts?.shared) {
    throw new ProviderError(
      `crucible disk ${h.marker.fields.name ?? e.disk_id} lives on ${h.node}:${facts?.id ?? volid.split(':')[0]}, local to ${h.node}; VM ${vm.vmid} runs on ${vm.node} and cannot reach it`,
    );
  }
  const { users } = await volumeUsers(s, volid, { node: h.node, shared: facts?.shared ?? false, owner: h.vmid }, op);
  const elsewhere = users.filter((u) => u.vmid !== vm.vmid);
  if (elsewhere.length > 0) {
    throw new ProviderError(
      `crucible disk ${h.marker.fields.name ?? e.disk_id} is attached to ${elsewhere.map(describeUser).join(', ')}; a disk is attached to one VM at a time: detach it there first`,
    );
  }
  return { ...e, key: `scsi${e.slot}`, serial: ref.serial, volid, readOnly: h.marker.fields.read_only === '1' };
}

/** Brings VM `vmid` to the wanted crucible disks and boot disk; `before` are the disks listed before. */
async function converge(
  s: PveSession,
  vmid: number,
  wanted: Entry[],
  bootDiskId: string | null,
  before: Entry[],
  op: OperationContext,
): Promise<void> {
  const entry = await s.guest(vmid, op);
  if (entry?.type !== 'qemu') throw new ProviderError(`VM ${vmid} does not exist`);
  const vm = { node: entry.node, vmid };
  const resolved: Resolved[] = [];
  for (const e of wanted) resolved.push(await resolve(s, vm, e, op));
  const compute = (config: Record<string, string>): { set: Record<string, string>; del: string[]; boot?: string | null } => {
    const set: Record<string, string> = {};
    const del = new Set<string>();
    const ours = new Set<string>();
    const serialAt = (key: string): string | undefined => (config[key] ? driveFacts(config[key]!).serial : undefined);
    for (const b of before) {
      const ref = parseDiskId(b.disk_id);
      const key = `scsi${b.slot}`;
      if (ref && serialAt(key) === ref.serial && !resolved.some((r) => r.key === key && r.serial === ref.serial)) del.add(key);
    }
    for (const r of resolved) {
      ours.add(r.key);
      // The same disk in another slot (moved, or attached there by hand): take it out of there.
      for (const [key, value] of Object.entries(config)) {
        if (/^scsi\d+$/.test(key) && key !== r.key && driveFacts(value).serial === r.serial && driveFacts(value).volid === r.volid)
          del.add(key);
      }
      const current = config[r.key];
      const value = `${r.volid},serial=${r.serial}${r.readOnly ? ',ro=1' : ''}`;
      if (current !== undefined && !del.has(r.key)) {
        const f = driveFacts(current);
        if (f.serial === r.serial && f.volid === r.volid) {
          if (/(^|,)ro=1(,|$)/.test(current) !== r.readOnly) set[r.key] = value;
          continue;
        }
        throw new ProviderError(
          `scsi${r.slot} of VM ${vmid} holds ${f.volid ?? current}, which is not crucible disk ${r.disk_id}; choose another slot`,
        );
      }
      set[r.key] = value;
      del.delete(r.key);
    }
    for (const b of before) if (del.has(`scsi${b.slot}`)) ours.add(`scsi${b.slot}`);
    const order = parseOrder(config.boot);
    let next = order.filter((d) => !ours.has(d) && !del.has(d));
    const bootKey = bootDiskId ? resolved.find((r) => r.disk_id === bootDiskId)?.key : undefined;
    if (bootDiskId && !bootKey) throw new ProviderError(`boot disk ${bootDiskId} is not among the attached disks`);
    if (bootKey) next = [bootKey, ...next];
    const boot = next.join(';') === order.join(';') ? undefined : next.length > 0 ? `order=${next.join(';')}` : null;
    return { set, del: [...del].sort(), ...(boot !== undefined ? { boot } : {}) };
  };
  const first = await s.vmConfig(vm.node, vmid, op);
  if (!first) throw new ProviderError(`VM ${vmid} does not exist`);
  const plan = compute(first.config);
  if (Object.keys(plan.set).length === 0 && plan.del.length === 0 && plan.boot === undefined) return;
  await whileStopped(
    s,
    vm.node,
    vmid,
    async () => {
      const live = await s.vmConfig(vm.node, vmid, op);
      if (!live) throw new ProviderError(`VM ${vmid} does not exist`);
      const c = compute(live.config);
      const params: Record<string, string> = { ...c.set };
      const del = [...c.del];
      if (c.boot === null) del.push('boot');
      else if (c.boot !== undefined) params.boot = c.boot;
      if (del.length > 0) params.delete = del.join(',');
      if (Object.keys(params).length === 0) return;
      if (live.digest) params.digest = live.digest;
      op.progress?.(
        `VM ${vmid}: ${[...Object.keys(c.set).map((k) => `attach ${k}`), ...c.del.map((k) => `detach ${k}`)].join(', ') || 'boot order'}`,
      );
      await s.task('POST', `${vmPath(vm.node, vmid)}/config`, params, `config of VM ${vmid}`, 'update', op);
    },
    op,
  );
}

export async function readAttachment(
  s: PveSession,
  vmid: number,
  prior: Attributes | null,
  op: OperationContext,
): Promise<Attributes | null> {
  const entry = await s.guest(vmid, op);
  if (entry?.type !== 'qemu') return null;
  let live: Awaited<ReturnType<PveSession['vmConfig']>>;
  try {
    live = await s.vmConfig(entry.node, vmid, op);
  } catch (e) {
    // The VM's node does not answer: what is attached is as last known.
    if (isNodeUnreachable(e) && prior) return { ...prior, vm_status: 'unknown' };
    throw e;
  }
  if (!live) return null;
  const listed = entriesOf(prior?.disks) ?? [];
  const disks: Attributes[] = [];
  const devices: Attributes = {};
  for (const e of [...listed].sort((a, b) => a.slot - b.slot)) {
    const ref = parseDiskId(e.disk_id);
    const value = live.config[`scsi${e.slot}`];
    const f = value ? driveFacts(value) : undefined;
    if (!ref || f?.serial !== ref.serial || !f.volid) continue;
    disks.push({ slot: e.slot, disk_id: e.disk_id });
    devices[`scsi${e.slot}`] = f.volid;
  }
  const first = parseOrder(live.config.boot)[0];
  const boot = disks.find((d) => `scsi${String(d.slot)}` === first);
  return {
    id: attachmentId(vmid),
    vm: typeof prior?.vm === 'string' && parseVmRef(prior.vm)?.vmid === vmid ? prior.vm : `${entry.node}/${vmid}`,
    disks,
    boot_disk_id: boot ? (boot.disk_id as string) : null,
    // live, not the listing's (pvestatd's, up to a round old): right after hl starts the VM
    vm_status: await s.liveStatus(entry.node, vmid, op),
    devices,
  };
}

function wantedOf(planned: Attributes): { list: Entry[]; boot: string | null } {
  const list = entriesOf(planned.disks);
  if (!list) throw new ProviderError('the disks of an attachment must be known to apply it');
  return { list, boot: typeof planned.boot_disk_id === 'string' ? planned.boot_disk_id : null };
}

export async function createAttachment(s: PveSession, planned: Attributes, op: OperationContext): Promise<CreateResponse> {
  const vmid = vmidOfAttachment('', null, planned);
  const { list, boot } = wantedOf(planned);
  await converge(s, vmid, list, boot, [], op);
  const state = await readAttachment(s, vmid, planned, op);
  if (!state) throw new ProviderError(`VM ${vmid} vanished while its disks were attached`);
  return { id: attachmentId(vmid), state };
}

export async function updateAttachment(
  s: PveSession,
  id: string,
  prior: Attributes,
  planned: Attributes,
  op: OperationContext,
): Promise<Attributes> {
  const vmid = vmidOfAttachment(id, prior, planned);
  const { list, boot } = wantedOf(planned);
  await converge(s, vmid, list, boot, entriesOf(prior.disks) ?? [], op);
  const state = await readAttachment(s, vmid, planned, op);
  if (!state) throw new ProviderError(`VM ${vmid} vanished while its disks were attached`);
  return state;
}

/** Detaches every listed disk, the boot disk included (the VM gives all its crucible disks up). */
export async function deleteAttachment(s: PveSession, id: string, prior: Attributes | null, op: OperationContext): Promise<void> {
  const vmid = vmidOfAttachment(id, prior);
  const entry = await s.guest(vmid, op);
  if (!entry) return;
  await converge(s, vmid, [], null, entriesOf(prior?.disks) ?? [], op);
}

/** After a crash: the attachment if every planned disk is attached. */
export async function recoverAttachment(s: PveSession, planned: Attributes, op: OperationContext): Promise<CreateResponse | null> {
  const vmid = vmidOfAttachment('', null, planned);
  const state = await readAttachment(s, vmid, planned, op);
  if (!state || !Array.isArray(planned.disks) || !Array.isArray(state.disks) || state.disks.length !== planned.disks.length) return null;
  return { id: attachmentId(vmid), state };
}
