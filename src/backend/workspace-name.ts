/** Workspace names: `default` plus names a user makes (`hl workspace new staging`). */
import { DiagnosticsError, error, type Diagnostic } from '../core/diagnostic.js';

export const DEFAULT_WORKSPACE = 'default';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** Why `name` cannot be a workspace's name, or undefined when it can. */
export function workspaceNameProblem(name: string): Diagnostic | undefined {
  if (NAME_RE.test(name) && name !== '.' && name !== '..') return undefined;
  return error(
    `Invalid workspace name ${JSON.stringify(name)}`,
    undefined,
    'A workspace name is 1 to 63 letters, digits, "_", "." and "-", starting with a letter or digit.',
  );
}

/** A run names a workspace the backend does not have; `where` is the database, when there is one. */
export function missingWorkspace(name: string, where?: string): DiagnosticsError {
  return new DiagnosticsError([
    error(
      `Workspace "${name}" does not exist${where ? ` in ${where}` : ''}`,
      undefined,
      `Create it with "hl workspace new ${name}", or select another with "hl workspace select NAME".`,
    ),
  ]);
}
