/**
 * The selected workspace: `HL_WORKSPACE` when set, else what `hl workspace select` wrote to
 * `.hl/environment` (beside the state file, or the config with pg), else `default`.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiagnosticsError } from '../core/diagnostic.js';
import { writeFileAtomic } from '../state/atomic-write.js';
import { DEFAULT_WORKSPACE, workspaceNameProblem } from './workspace-name.js';

export function environmentFileOf(workDir: string): string {
  return join(workDir, 'environment');
}

export async function selectedWorkspace(workDir: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const fromEnv = env.HL_WORKSPACE;
  if (fromEnv !== undefined && fromEnv !== '') {
    const problem = workspaceNameProblem(fromEnv);
    if (problem) throw new DiagnosticsError([{ ...problem, summary: `${problem.summary} (from HL_WORKSPACE)` }]);
    return fromEnv;
  }
  let text: string;
  try {
    text = await readFile(environmentFileOf(workDir), 'utf8');
  } catch {
    return DEFAULT_WORKSPACE;
  }
  const name = text.trim();
  const problem = workspaceNameProblem(name);
  if (problem) {
    throw new DiagnosticsError([
      { ...problem, summary: `${problem.summary} in ${environmentFileOf(workDir)}`, detail: 'Select one with "hl workspace select NAME".' },
    ]);
  }
  return name;
}

export async function writeSelectedWorkspace(workDir: string, name: string): Promise<void> {
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(environmentFileOf(workDir), `${name}\n`);
}
