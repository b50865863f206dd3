/**
 * `hl workspace list | new NAME | select NAME | show | delete NAME`: the workspaces of the
 * backend a run uses, and which one is selected (`.hl/environment` beside the state file or config, or
 * HL_WORKSPACE). Each returns what it found or did and prints nothing; a user error is a
 * DiagnosticsError.
 */
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import { selectedWorkspace, writeSelectedWorkspace } from '../backend/selected-workspace.js';
import type { StateBackend, WorkspaceInfo } from '../backend/state-backend.js';
import { DEFAULT_WORKSPACE, workspaceNameProblem } from '../backend/workspace-name.js';
import type { EngineEvents } from './engine-events.js';
import { readStateOf } from './state-validator.js';
import { lockExclusively, type LockingBackendOptions } from './workspace-lock.js';
import { backendSettingsOf, openRunBackend, type BackendOptions } from './run-backend.js';

export interface WorkspaceListing {
  workspaces: (WorkspaceInfo & { selected: boolean })[];
  selected: string;
  /** Where the workspaces are, for messages. */
  location: string;
  /** The selection comes from HL_WORKSPACE rather than `.hl/environment`. */
  fromEnv: boolean;
}

/** The backend's workspaces, the selected one marked. */
export async function listWorkspaces(opts: BackendOptions): Promise<WorkspaceListing> {
  const { backend, workDir } = await openRunBackend(opts, DEFAULT_WORKSPACE);
  try {
    const selected = await selectedWorkspace(workDir, opts.env);
    const all = await backend.listWorkspaces();
    // a selected workspace that does not exist (yet) is shown too, so the mark is never lost
    if (!all.some((w) => w.name === selected)) all.push({ name: selected, serial: 0, resources: 0 });
    return {
      workspaces: all.map((w) => ({ ...w, selected: w.name === selected })),
      selected,
      location: backend.location,
      fromEnv: fromEnv(opts),
    };
  } finally {
    await backend.close();
  }
}

/** The selected workspace's name. */
export async function showWorkspace(opts: BackendOptions): Promise<string> {
  const { workDir } = await backendSettingsOf(opts);
  return selectedWorkspace(workDir, opts.env);
}

/** Creates `name` and selects it. */
export async function newWorkspace(opts: BackendOptions, name: string): Promise<{ name: string; fromEnv: boolean }> {
  const problem = workspaceNameProblem(name);
  if (problem) throw new DiagnosticsError([problem]);
  const { backend, workDir } = await openRunBackend(opts, DEFAULT_WORKSPACE);
  try {
    if (await backend.hasWorkspace(name)) {
      throw new DiagnosticsError([error(`Workspace "${name}" already exists`, undefined, `Select it with "hl workspace select ${name}".`)]);
    }
    await backend.createWorkspace(name);
    await writeSelectedWorkspace(workDir, name);
    return { name, fromEnv: fromEnv(opts) };
  } finally {
    await backend.close();
  }
}

/** Selects an existing workspace. */
export async function selectWorkspace(opts: BackendOptions, name: string): Promise<{ name: string; fromEnv: boolean }> {
  const problem = workspaceNameProblem(name);
  if (problem) throw new DiagnosticsError([problem]);
  const { backend, workDir } = await openRunBackend(opts, DEFAULT_WORKSPACE);
  try {
    if (!(await backend.hasWorkspace(name))) throw await unknownWorkspace(backend, name);
    await writeSelectedWorkspace(workDir, name);
    return { name, fromEnv: fromEnv(opts) };
  } finally {
    await backend.close();
  }
}

export interface DeletedWorkspace {
  name: string;
  /** What its state held when it was deleted (only with --force can these be non-zero). */
  resources: number;
  pendingIntents: number;
}

/**
 * Deletes a workspace and its state under its exclusive lock. Refuses `default`, the selected
 * workspace, and, unless `force`, one whose state holds resources or pending operations.
 */
export async function deleteWorkspace(
  opts: LockingBackendOptions,
  events: EngineEvents,
  name: string,
  force: boolean,
): Promise<DeletedWorkspace> {
  const problem = workspaceNameProblem(name);
  if (problem) throw new DiagnosticsError([problem]);
  if (name === DEFAULT_WORKSPACE) throw new DiagnosticsError([error('The default workspace cannot be deleted')]);
  const { workDir } = await backendSettingsOf(opts);
  if ((await selectedWorkspace(workDir, opts.env)) === name) {
    throw new DiagnosticsError([
      error(
        `Workspace "${name}" is the selected workspace and cannot be deleted`,
        undefined,
        fromEnv(opts)
          ? 'Unset HL_WORKSPACE (or set it to another workspace) first.'
          : 'Select another first: "hl workspace select default".',
      ),
    ]);
  }
  const { backend } = await openRunBackend(opts, name);
  try {
    if (!(await backend.hasWorkspace(name))) throw await unknownWorkspace(backend, name);
    const lock = await lockExclusively(backend, 'workspace delete', opts.lockTimeoutMs, events);
    try {
      const store = await readStateOf(backend);
      const resources = store.listResources().length;
      const pendingIntents = store.pendingIntents().length;
      if ((resources > 0 || pendingIntents > 0) && !force) {
        const held = [resources > 0 ? `${resources} resource(s)` : '', pendingIntents > 0 ? `${pendingIntents} pending operation(s)` : '']
          .filter((s) => s !== '')
          .join(' and ');
        throw new DiagnosticsError([
          error(
            `Workspace "${name}" is not empty: its state holds ${held}`,
            undefined,
            `Deleting it forgets them (the objects themselves are not touched). Destroy them first ("HL_WORKSPACE=${name} hl destroy"), or run "hl workspace delete ${name} --force".`,
          ),
        ]);
      }
      await backend.deleteWorkspace(name);
      return { name, resources, pendingIntents };
    } finally {
      // the file backend's lock file went with the workspace
      await lock.release().catch(() => undefined);
    }
  } finally {
    await backend.close();
  }
}

async function unknownWorkspace(backend: StateBackend, name: string): Promise<DiagnosticsError> {
  const names = (await backend.listWorkspaces()).map((w) => w.name);
  const s = didYouMean(name, names);
  return new DiagnosticsError([
    error(
      `Workspace "${name}" does not exist`,
      undefined,
      s
        ? `Did you mean "${s}"? See "hl workspace list", or create it with "hl workspace new ${name}".`
        : `The workspaces are ${names.join(', ')}. Create it with "hl workspace new ${name}".`,
    ),
  ]);
}

function fromEnv(opts: BackendOptions): boolean {
  return opts.env.HL_WORKSPACE !== undefined && opts.env.HL_WORKSPACE !== '';
}
