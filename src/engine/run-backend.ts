/**
 * The backend of a run: settings from the command line, the environment and the config's
 * `hl.backend` block (backend-settings.ts), the workspace selected (selected-workspace.ts),
 * and `.hl/`: beside the state file (by default beside the config), or the config with pg,
 * unless HL_DATA_DIR names it (a config in a read-only place: a ConfigMap, /etc).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findBackendBlock } from '../config/backend-block.js';
import { DiagnosticsError, hasErrors } from '../core/diagnostic.js';
import { resolveBackendSettings, type BackendSettings } from '../backend/backend-settings.js';
import { openBackend } from '../backend/open-backend.js';
import { selectedWorkspace } from '../backend/selected-workspace.js';
import type { StateBackend } from '../backend/state-backend.js';
import { loadConfigFiles } from './load-config.js';
import { configRoot } from './project.js';

/** Where the state is, as the command line and environment say. */
export interface BackendOptions {
  /** The config file or directory (-c): the default state and `.hl/` are beside it. */
  config: string;
  /** --state PATH: this state file instead. */
  state?: string;
  /** --backend TYPE. */
  backend?: string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface RunBackend {
  backend: StateBackend;
  settings: BackendSettings;
  /** `.hl/` beside the state file (or the config, with pg): the selected workspace, the providers' files, the emulators' data. */
  workDir: string;
  configRoot: string;
}

/** The settings and work directory, without opening anything. */
export async function backendSettingsOf(opts: BackendOptions): Promise<{ settings: BackendSettings; workDir: string; configRoot: string }> {
  const root = configRoot(opts.config);
  // the block is read only from a config that exists: state commands work without one
  const files = existsSync(opts.config) ? (await loadConfigFiles(opts.config)).files : [];
  const found = findBackendBlock(files);
  if (hasErrors(found.diagnostics)) throw new DiagnosticsError(found.diagnostics);
  const r = resolveBackendSettings({
    block: found.block,
    configRoot: root,
    cwd: opts.cwd,
    env: opts.env,
    ...(opts.state !== undefined ? { stateFlag: opts.state } : {}),
    ...(opts.backend !== undefined ? { backendFlag: opts.backend } : {}),
  });
  if (!r.settings) throw new DiagnosticsError(r.diagnostics);
  // `.hl/` goes with the state file (beside the config unless --state or hl.backend.path
  // moves it), so two state files never share providers' files or emulated worlds; with
  // PostgreSQL, beside the config
  const dataDir = opts.env['HL_DATA_DIR'];
  const workDir =
    dataDir !== undefined && dataDir !== ''
      ? resolve(opts.cwd, dataDir)
      : r.settings.type === 'file'
        ? join(dirname(r.settings.path), '.hl')
        : join(root, '.hl');
  return { settings: r.settings, workDir, configRoot: root };
}

/** Opens the backend for `workspace` (default: the selected one). */
export async function openRunBackend(opts: BackendOptions, workspace?: string): Promise<RunBackend> {
  const { settings, workDir, configRoot: root } = await backendSettingsOf(opts);
  const name = workspace ?? (await selectedWorkspace(workDir, opts.env));
  return { backend: await openBackend(settings, name, opts.env), settings, workDir, configRoot: root };
}
