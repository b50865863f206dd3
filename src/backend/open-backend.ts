/** Opens the backend the settings name, for one workspace (the PostgreSQL client is loaded only when used). */
import { FileBackend } from './file-backend.js';
import type { BackendSettings } from './backend-settings.js';
import type { StateBackend } from './state-backend.js';

export async function openBackend(
  settings: BackendSettings,
  workspace: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<StateBackend> {
  if (settings.type === 'file') return new FileBackend(settings.path, workspace);
  const { openPgBackend } = await import('./pg/pg-backend.js');
  return openPgBackend(settings, workspace, env);
}
