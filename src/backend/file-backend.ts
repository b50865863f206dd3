/**
 * The file backend: the default workspace's state is the state file (`homelab.state.json`
 * beside the config unless --state or `hl.backend.path` says otherwise); another workspace W
 * keeps its own in `homelab.state.d/W/homelab.state.json` beside it. The lock is the lock file
 * of state-lock.ts (exclusive only: a file cannot tell a dead reader from a live one), the
 * plan key the `.plankey` file, the history the current file and its `.backup`.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { backupPathOf, FileStatePersistence, journalPathOf } from '../state/file-state-persistence.js';
import { planKeyForWriting, planKeyPathOf, readPlanKey } from '../state/plan-key.js';
import { acquireLock, describeHolder, forceUnlock, lockPathOf } from '../state/state-lock.js';
import type { HeldLock, LockRequest, StateBackend, StateVersion, WorkspaceInfo } from './state-backend.js';
import { DEFAULT_WORKSPACE, missingWorkspace, workspaceNameProblem } from './workspace-name.js';

/** `homelab.state.json` → `homelab.state.d`: the folder of the other workspaces. */
export function workspacesDirOf(defaultStatePath: string): string {
  const base = basename(defaultStatePath);
  return join(dirname(defaultStatePath), `${base.endsWith('.json') ? base.slice(0, -5) : base}.d`);
}

/** The state file of `workspace` when the default workspace's is `defaultStatePath`. */
export function workspaceStatePath(defaultStatePath: string, workspace: string): string {
  if (workspace === DEFAULT_WORKSPACE) return defaultStatePath;
  return join(workspacesDirOf(defaultStatePath), workspace, basename(defaultStatePath));
}

export class FileBackend implements StateBackend {
  readonly kind = 'file' as const;
  readonly workspace: string;
  /** The default workspace's state file. */
  readonly defaultStatePath: string;
  /** This workspace's state file. */
  readonly statePath: string;

  constructor(defaultStatePath: string, workspace: string = DEFAULT_WORKSPACE) {
    this.defaultStatePath = defaultStatePath;
    this.workspace = workspace;
    this.statePath = workspaceStatePath(defaultStatePath, workspace);
  }

  get location(): string {
    return this.statePath;
  }

  get planKeyLocation(): string {
    return planKeyPathOf(this.statePath);
  }

  async lock(request: LockRequest): Promise<HeldLock> {
    await this.#assertWorkspaceExists();
    const lock = await acquireLock(
      this.statePath,
      { operation: request.operation, version: request.version },
      {
        timeoutMs: request.timeoutMs,
        onWait: (holder) => request.onWait?.(holder ? describeHolder(holder) : undefined),
        onStaleTakeover: (holder) => request.onStaleTakeover?.(describeHolder(holder)),
      },
    );
    return { info: lock.info, mode: 'exclusive', release: () => lock.release() };
  }

  persistence(): FileStatePersistence {
    return new FileStatePersistence(this.statePath);
  }

  async planKey(create: boolean): Promise<Buffer | undefined> {
    return create ? planKeyForWriting(this.statePath) : readPlanKey(this.statePath);
  }

  async history(): Promise<StateVersion[]> {
    const out: StateVersion[] = [];
    for (const path of [backupPathOf(this.statePath), this.statePath]) {
      const v = await versionOfFile(path);
      if (v && !out.some((o) => o.serial === v.version.serial && o.sha256 === v.version.sha256)) out.push(v.version);
    }
    return out.sort((a, b) => a.serial - b.serial);
  }

  async readVersion(serial: number): Promise<string | undefined> {
    for (const path of [this.statePath, backupPathOf(this.statePath)]) {
      const v = await versionOfFile(path);
      if (v?.version.serial === serial) return v.text;
    }
    return undefined;
  }

  async forceUnlock(id: string): Promise<string> {
    return describeHolder(await forceUnlock(this.statePath, id));
  }

  async listWorkspaces(): Promise<WorkspaceInfo[]> {
    const names = [DEFAULT_WORKSPACE];
    let entries: string[] = [];
    try {
      entries = await readdir(workspacesDirOf(this.defaultStatePath));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const name of entries.sort()) {
      if (name !== DEFAULT_WORKSPACE && workspaceNameProblem(name) === undefined) names.push(name);
    }
    const out: WorkspaceInfo[] = [];
    for (const name of names) {
      const v = await versionOfFile(workspaceStatePath(this.defaultStatePath, name));
      out.push({ name, serial: v?.version.serial ?? 0, resources: v?.version.resources ?? 0 });
    }
    return out;
  }

  async createWorkspace(name: string): Promise<void> {
    const problem = workspaceNameProblem(name);
    if (problem) throw new DiagnosticsError([problem]);
    if (await this.hasWorkspace(name)) throw new DiagnosticsError([error(`Workspace "${name}" already exists`)]);
    await mkdir(dirname(workspaceStatePath(this.defaultStatePath, name)), { recursive: true, mode: 0o700 });
  }

  async deleteWorkspace(name: string): Promise<void> {
    if (name === DEFAULT_WORKSPACE) throw new DiagnosticsError([error('The default workspace cannot be deleted')]);
    const path = workspaceStatePath(this.defaultStatePath, name);
    for (const p of [path, journalPathOf(path), backupPathOf(path), planKeyPathOf(path), lockPathOf(path)]) await rm(p, { force: true });
    await rm(dirname(path), { recursive: true, force: true });
  }

  async hasWorkspace(name: string): Promise<boolean> {
    if (name === DEFAULT_WORKSPACE) return true;
    if (workspaceNameProblem(name)) return false;
    try {
      return (await stat(dirname(workspaceStatePath(this.defaultStatePath, name)))).isDirectory();
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {}

  async #assertWorkspaceExists(): Promise<void> {
    if (!(await this.hasWorkspace(this.workspace))) throw missingWorkspace(this.workspace);
  }
}

/** What a state file says about itself, or undefined when it is missing or not a state. */
async function versionOfFile(path: string): Promise<{ version: StateVersion; text: string } | undefined> {
  let text: string;
  let mtime: Date;
  try {
    text = await readFile(path, 'utf8');
    mtime = (await stat(path)).mtime;
  } catch {
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const o = data as Record<string, unknown>;
  if (typeof o.serial !== 'number' || typeof o.lineage !== 'string') return undefined;
  return {
    text,
    version: {
      serial: o.serial,
      lineage: o.lineage,
      createdAt: mtime.toISOString(),
      hlVersion: typeof o.hlVersion === 'string' ? o.hlVersion : '',
      resources: Array.isArray(o.resources) ? o.resources.length : 0,
      sha256: createHash('sha256').update(text).digest('hex'),
    },
  };
}
