/**
 * Saved plan files, the one place they are written and read: `hl plan --out FILE` encodes
 * the plan with its integrity check (a MAC with the plan key the state's backend keeps) and
 * writes it; `hl apply FILE` and `hl show FILE` read and decode it, and apply verifies the
 * MAC against the key of the state it applies to.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DiagnosticsError, error, type Diagnostic } from '../core/diagnostic.js';
import { decodePlan, encodePlan, verifyPlanMac } from '../plan/plan-codec.js';
import type { Plan } from '../plan/plan-types.js';
import type { StateBackend } from '../backend/state-backend.js';

export interface PlanFile {
  plan: Plan;
  /** The file's text as read, for its integrity check. */
  text: string;
}

/** Encodes the plan with the MAC of the state's plan key and writes it, readable by its owner only. */
export async function writePlanFile(file: string, plan: Plan, backend: StateBackend): Promise<void> {
  const key = await backend.planKey(true);
  if (!key) throw new Error('bug: the backend made no plan key');
  writeFileSync(file, encodePlan(plan, key), { mode: 0o600 });
}

/** Reads and decodes a plan file; a missing or undecodable file throws its diagnostics. */
export function readPlanFile(file: string): PlanFile {
  if (!existsSync(file)) throw new DiagnosticsError([error(`Plan file ${file} does not exist`)]);
  const text = readFileSync(file, 'utf8');
  const decoded = decodePlan(text, file);
  if (!decoded.plan) throw new DiagnosticsError(decoded.diagnostics);
  return { plan: decoded.plan, text };
}

/** The error when the file is not exactly what `hl plan` wrote for this state (its MAC with the state's plan key). */
export async function checkPlanFileIntegrity(planFile: PlanFile, file: string, backend: StateBackend): Promise<Diagnostic | undefined> {
  return verifyPlanMac(planFile.text, file, await backend.planKey(false), backend.planKeyLocation);
}
