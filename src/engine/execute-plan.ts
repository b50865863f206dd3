/**
 * Running a plan in the locked workspace: the recoveries of the journal first reported, then
 * the executor with progress events, periodic state checkpoints and an interrupt that stops
 * new operations from starting; the result, with the outputs now in state, is returned.
 */
import type { ApplyProgress } from '../apply/apply-events.js';
import { applyPlan, type ApplyResult } from '../apply/executor.js';
import type { Recovery } from '../apply/reconcile-journal.js';
import type { Redactor } from '../core/redact.js';
import type { Plan } from '../plan/plan-types.js';
import type { OutputState } from '../state/state-types.js';
import type { EngineEvents } from './engine-events.js';
import type { PlannedRun } from './plan-in-workspace.js';
import type { Workspace } from './workspace.js';

export interface ExecuteEvents {
  /** An interrupted operation of an earlier run, settled into state before this run. */
  recovered(recovery: Recovery): void;
  /** Starts showing progress, redacting with the workspace's secrets. */
  startProgress(redact: Redactor): ApplyProgress;
  /** An interrupt was received: no new operation starts; those in flight finish. */
  stopping(): void;
}

export interface Executed {
  kind: 'executed';
  mode: Plan['mode'];
  result: ApplyResult;
  /** Drift recorded without changes: only failures are worth a summary. */
  quiet: boolean;
  /** The outputs in state after the run. */
  outputs: Record<string, OutputState>;
  redact: Redactor;
}

export async function executePlan(
  ws: Workspace,
  run: PlannedRun,
  opts: { parallelism: number; onInterrupt(handler: () => void): () => void },
  events: EngineEvents & ExecuteEvents,
  quiet: boolean,
): Promise<Executed> {
  const { project, plan } = run;
  for (const r of ws.recoveries) events.recovered(r);
  let stopRequested = false;
  const removeInterrupt = opts.onInterrupt(() => {
    stopRequested = true;
    events.stopping();
  });
  const progress = events.startProgress(ws.redact);
  const checkpointTimer = setInterval(() => {
    ws.store.checkpointIfDue().catch(() => undefined);
  }, 1000);
  checkpointTimer.unref();
  let result: ApplyResult;
  try {
    result = await applyPlan({
      plan,
      config: project.config,
      graph: project.graph,
      variables: project.variables,
      store: ws.store,
      providers: ws.session!.providers,
      providerConfigs: ws.session!.configs,
      parallelism: opts.parallelism,
      events: progress,
      shouldStop: () => stopRequested,
      paths: project.paths,
      readFile: project.readFile,
      callLog: (key) => ws.session!.callLogs?.get(key),
    });
  } finally {
    clearInterval(checkpointTimer);
    progress.stop();
    removeInterrupt();
    await ws.store.checkpoint();
  }
  events.diagnostics(result.diagnostics, { files: project.files, redact: ws.redact });
  return { kind: 'executed', mode: plan.mode, result, quiet, outputs: ws.store.outputs, redact: ws.redact };
}
