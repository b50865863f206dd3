/**
 * The `crucible` provider: Oxide's disk model (disks, snapshots, images, attachments) on a
 * Proxmox VE cluster's storage, through the PVE API only. This file wires the pieces together:
 * provider-settings.ts (the block, sharing the proxmox connection settings), connection/ (the
 * proxmox provider's client, TLS fetch and task waiting), model/ (names, sizes, ids, markers,
 * redundancy), planning/ (pure validation and plans), resources/ (holder guests and the CRUD of
 * each resource type).
 */
import { randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type { Attributes, Value } from '../../src/core/value.js';
import {
  ProviderError,
  type AttributeProblem,
  type ConfigureRequest,
  type CreateRequest,
  type CreateResponse,
  type DeleteRequest,
  type ImportRequest,
  type ImportResponse,
  type PlanResourceRequest,
  type PlanResourceResponse,
  type Provider,
  type ProviderSchema,
  type ReadRequest,
  type ReadResponse,
  type RecoverRequest,
  type ReserveRequest,
  type ReserveResponse,
  type UpdateRequest,
  type UpdateResponse,
  type ValidateResourceRequest,
} from '../../src/provider/contract.js';
import type { PveConnection } from '../pve/client/pve-connection.js';
import type { PveSession } from './connection/pve-session.js';
import { parseImageId, parseVmRef } from './model/resource-ids.js';
import { planAttachment, validateAttachment } from './planning/attachment-plan.js';
import { planDisk, validateDisk } from './planning/disk-plan.js';
import { planImage, validateImage } from './planning/image-plan.js';
import { planSnapshot, validateSnapshot } from './planning/snapshot-plan.js';
import { parseCrucibleConfig, type CrucibleSettings } from './provider-settings.js';
import { crucibleSchema } from './resource-schemas.js';
import type { DiskIdentity } from './resources/disk-create.js';
import type { ImageIdentity } from './resources/image-resource.js';
import type { SnapshotIdentity } from './resources/snapshot-resource.js';

/** The connection and the CRUD of each resource type, loaded by configure (see provider-runtime.ts). */
type Runtime = typeof import('./provider-runtime.js');

export const RESOURCE_TYPES = ['crucible_disk', 'crucible_snapshot', 'crucible_image', 'crucible_attachment'] as const;
export type CrucibleResourceType = (typeof RESOURCE_TYPES)[number];

function resourceType(type: string): CrucibleResourceType {
  if ((RESOURCE_TYPES as readonly string[]).includes(type)) return type as CrucibleResourceType;
  throw new Error(`the crucible provider has no resource type "${type}"`);
}

function newSerial(): string {
  return randomBytes(10).toString('hex');
}

function num(v: Value | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function str(v: Value | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function diskIdentity(raw: Record<string, Value> | undefined): DiskIdentity | undefined {
  const node = str(raw?.node);
  const vmid = num(raw?.vmid);
  const serial = str(raw?.serial);
  return node && vmid && serial ? { node, vmid, serial } : undefined;
}

function snapshotIdentity(raw: Record<string, Value> | undefined): SnapshotIdentity | undefined {
  const vmid = num(raw?.vmid);
  const snapname = str(raw?.snapname);
  return vmid && snapname ? { vmid, snapname } : undefined;
}

export class CrucibleProvider implements Provider {
  readonly type = 'crucible';
  private session: PveSession | undefined;
  private connection: PveConnection | undefined;
  private settings: CrucibleSettings | undefined;
  private rt: Runtime | undefined;

  private runtime(): Runtime {
    if (!this.rt) throw new Error('the crucible provider is used before configure()');
    return this.rt;
  }

  /** The parsed provider block (after configure). */
  get crucibleSettings(): CrucibleSettings | undefined {
    return this.settings;
  }

  getSchema(): ProviderSchema {
    return crucibleSchema();
  }

  /** The session (after configure), for tests and diagnostics. */
  get pve(): PveSession | undefined {
    return this.session;
  }

  async configure(req: ConfigureRequest): Promise<void> {
    const parsed = parseCrucibleConfig(req.config, (p) => (isAbsolute(p) ? p : resolve(req.configDir, p)));
    if ('problems' in parsed) {
      throw new ProviderError(`crucible provider: ${parsed.problems.map((p) => `${p.attribute}: ${p.message}`).join('; ')}`);
    }
    for (const w of parsed.warnings) req.warn?.(w);
    this.settings = parsed.settings;
    const c = parsed.settings.connection;
    this.rt ??= await import('./provider-runtime.js');
    this.connection = await this.rt.openPveConnection(c, req.workDir, 'crucible');
    const client = this.connection.client;
    this.session = new this.rt.PveSession(client, { timeouts: c.timeouts, holderVmids: parsed.settings.holderVmids });
  }

  private pveSession(): PveSession {
    if (!this.session) throw new Error('the crucible provider is used before configure()');
    return this.session;
  }

  validateResource(req: ValidateResourceRequest): AttributeProblem[] {
    switch (resourceType(req.type)) {
      case 'crucible_disk':
        return validateDisk(req.config);
      case 'crucible_snapshot':
        return validateSnapshot(req.config);
      case 'crucible_image':
        return validateImage(req.config);
      case 'crucible_attachment':
        return validateAttachment(req.config);
    }
  }

  planResource(req: PlanResourceRequest): PlanResourceResponse {
    switch (resourceType(req.type)) {
      case 'crucible_disk':
        return planDisk(req.prior, req.config);
      case 'crucible_snapshot':
        return planSnapshot(req.prior, req.config);
      case 'crucible_image':
        return planImage(req.prior, req.config);
      case 'crucible_attachment':
        return planAttachment(req.prior, req.config);
    }
  }

  async read(req: ReadRequest): Promise<ReadResponse> {
    const s = this.pveSession();
    switch (resourceType(req.type)) {
      case 'crucible_disk':
        return { state: await this.runtime().readDisk(s, this.runtime().diskRefOf(req.id, req.prior), req.prior, req) };
      case 'crucible_snapshot':
        return { state: await this.runtime().readSnapshot(s, this.runtime().snapshotIdentityOf(req.id, req.prior), req.prior, req) };
      case 'crucible_image': {
        const ref = parseImageId(req.id);
        if (!ref) throw new ProviderError(`"${req.id}" is not a crucible image id`);
        return { state: await this.runtime().readImage(s, ref, req) };
      }
      case 'crucible_attachment':
        return { state: await this.runtime().readAttachment(s, this.runtime().vmidOfAttachment(req.id, req.prior), req.prior, req) };
    }
  }

  async reserve(req: ReserveRequest): Promise<ReserveResponse> {
    const s = this.pveSession();
    switch (resourceType(req.type)) {
      case 'crucible_disk': {
        const placement = req.planned.placement as Attributes | null;
        const node = str(placement?.node);
        if (!node) throw new ProviderError('placement.node must be known to reserve a holder VMID');
        return { identity: { node, vmid: await this.runtime().reserveHolderVmid(s, req), serial: newSerial() } };
      }
      case 'crucible_snapshot': {
        const id = await this.runtime().reserveSnapshot(s, req.planned, req);
        return { identity: { vmid: id.vmid, snapname: id.snapname } };
      }
      case 'crucible_image': {
        const id = await this.runtime().reserveImage(s, req.planned, req);
        return { identity: { node: id.node, vmid: id.vmid, serial: id.serial } };
      }
      case 'crucible_attachment': {
        const vm = str(req.planned.vm);
        const ref = vm ? parseVmRef(vm) : undefined;
        if (!ref) throw new ProviderError('vm must be known to attach disks');
        return { identity: { vmid: ref.vmid } };
      }
    }
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    const s = this.pveSession();
    switch (resourceType(req.type)) {
      case 'crucible_disk': {
        const id = diskIdentity(req.identity) ?? diskIdentity((await this.reserve({ ...req, type: req.type })).identity);
        return this.runtime().createDisk(s, req.planned, id!, req);
      }
      case 'crucible_snapshot': {
        const id = snapshotIdentity(req.identity) ?? snapshotIdentity((await this.reserve({ ...req, type: req.type })).identity);
        return this.runtime().createSnapshot(s, req.planned, id!, req);
      }
      case 'crucible_image': {
        const id = (diskIdentity(req.identity) ?? diskIdentity((await this.reserve({ ...req, type: req.type })).identity)) as ImageIdentity;
        return this.runtime().createImage(s, req.planned, id, req);
      }
      case 'crucible_attachment':
        return this.runtime().createAttachment(s, req.planned, req);
    }
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    const s = this.pveSession();
    switch (resourceType(req.type)) {
      case 'crucible_disk':
        return { state: await this.runtime().updateDisk(s, req.id, req.prior, req.planned, req) };
      case 'crucible_snapshot':
        return { state: await this.runtime().updateSnapshot(s, req.id, req.prior, req.planned, req) };
      case 'crucible_image':
        return { state: await this.runtime().updateImage(s, req.id, req.prior, req.planned, req) };
      case 'crucible_attachment':
        return { state: await this.runtime().updateAttachment(s, req.id, req.prior, req.planned, req) };
    }
  }

  async delete(req: DeleteRequest): Promise<void> {
    const s = this.pveSession();
    switch (resourceType(req.type)) {
      case 'crucible_disk':
        return this.runtime().deleteDisk(s, req.id, req.prior, req);
      case 'crucible_snapshot':
        return this.runtime().deleteSnapshot(s, req.id, req.prior, req);
      case 'crucible_image':
        return this.runtime().deleteImage(s, req.id, req.prior, req);
      case 'crucible_attachment':
        return this.runtime().deleteAttachment(s, req.id, req.prior, req);
    }
  }

  async recover(req: RecoverRequest): Promise<CreateResponse | null> {
    const s = this.pveSession();
    switch (resourceType(req.type)) {
      case 'crucible_disk': {
        const id = diskIdentity(req.identity);
        return id ? this.runtime().recoverDisk(s, id, req) : null;
      }
      case 'crucible_snapshot': {
        const id = snapshotIdentity(req.identity);
        return id ? this.runtime().recoverSnapshot(s, id, req) : null;
      }
      case 'crucible_image': {
        const id = diskIdentity(req.identity);
        return id ? this.runtime().recoverImage(s, id, req) : null;
      }
      case 'crucible_attachment':
        return this.runtime().recoverAttachment(s, req.planned, req);
    }
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    const s = this.pveSession();
    switch (resourceType(req.type)) {
      case 'crucible_disk':
        return this.runtime().importDisk(s, req.id, req);
      case 'crucible_snapshot':
        return this.runtime().importSnapshot(s, req.id, req);
      case 'crucible_image':
        return this.runtime().importImage(s, req.id, req);
      case 'crucible_attachment':
        throw new ProviderError('crucible_attachment cannot be imported: declare it, and the first apply adopts the disks already in its slots');
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.session = undefined;
    await connection?.close();
  }
}
