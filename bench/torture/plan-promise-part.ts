/**
 * Torture part "plan-promise": random configs and random changes against the emulators
 * (plan-promise-trial.ts); whenever `hl plan` exits 0 or 2, `hl apply` of the saved plan
 * must succeed (and converge, with nothing orphaned) or fail before destroying anything.
 * The PVE emulator runs embedded in hl (`emulated: true`) or standalone in this process
 * (outliving each hl run, like a real cluster), a fresh world per trial either way; fake
 * resources and the embedded MAAS emulator live in each trial's project directory.
 *
 * Its summary line counts, besides failures and orphans, the trials whose plan was refused,
 * that applied, and whose apply failed safely.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptySummary, recordTrial, stopEarly, type PartSummary } from './part-summary.js';
import { CHANGE_KINDS, type ChangeKind } from './plan-promise-changes.js';
import { planPromiseTrial, type PromiseOutcome } from './plan-promise-trial.js';
import { Random } from './random.js';
import type { ProxmoxEndpoint } from './targets.js';

export type PveMode = 'embedded' | 'standalone';

export interface PlanPromiseOptions {
  trials: number;
  random: Random;
  /** Change kinds to draw from (default: all). */
  kinds?: readonly ChangeKind[];
  pve: PveMode;
  timeoutMs?: number;
  /** Stop the part after this many failed trials (default 10). */
  maxFailures?: number;
  onTrial?: (done: number, summary: PartSummary) => void;
  /** Told each trial's change and outcome (`npm run torture -- --verbose`). */
  log?: (line: string) => void;
}

export interface PlanPromiseSummary extends PartSummary {
  /** Trials by outcome. */
  outcomes: Record<PromiseOutcome, number>;
}

export async function planPromisePart(opts: PlanPromiseOptions): Promise<PlanPromiseSummary> {
  const started = performance.now();
  const kinds = opts.kinds ?? CHANGE_KINDS;
  const summary = emptySummary(`plan-promise (PVE ${opts.pve})`);
  const counts: Record<PromiseOutcome, number> = { 'plan-refused': 0, applied: 0, 'failed-safely': 0, failure: 0 };
  for (let i = 0; i < opts.trials && !stopEarly(summary, opts.maxFailures); i++) {
    // each trial draws from its own generator: one trial can be replayed alone
    const trialSeed = opts.random.seed();
    const pve = await pveEndpoint(opts.pve);
    const r = await planPromiseTrial({
      random: new Random(trialSeed),
      endpoint: pve.endpoint,
      kinds,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    }).finally(() => pve.close());
    counts[r.outcome]++;
    opts.log?.(`  plan-promise PVE ${opts.pve} trial ${i + 1} (trial seed ${trialSeed}): ${r.change} -> ${r.outcome}`);
    recordTrial(summary, {
      label: `trial ${i + 1} (trial seed ${trialSeed}; ${r.change})`,
      problems: r.problems,
      orphans: r.orphans,
      corrupt: r.corrupt,
      ...(r.dir ? { dir: r.dir } : {}),
    });
    opts.onTrial?.(i + 1, summary);
  }
  summary.part = `plan-promise PVE ${opts.pve}: refused ${counts['plan-refused']}, applied ${counts.applied}, failed safely ${counts['failed-safely']}`;
  summary.seconds = (performance.now() - started) / 1000;
  return { ...summary, outcomes: counts };
}

/** The PVE API of one trial: the embedded emulator, or a standalone one with a fresh homelab world. */
async function pveEndpoint(mode: PveMode): Promise<{ endpoint: ProxmoxEndpoint; close(): Promise<void> }> {
  if (mode === 'embedded') return { endpoint: { kind: 'embedded' }, close: async () => undefined };
  const { startProxmoxEmulator, DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } = await import('../../providers/pve/emulator/start-emulator.js');
  const worldDir = mkdtempSync(join(tmpdir(), 'hl-plan-promise-pve-'));
  const worldFile = join(worldDir, 'proxmox-world.json');
  const emu = await startProxmoxEmulator({ port: 0, worldFile, seed: 'homelab', faults: {} });
  return {
    endpoint: { kind: 'standalone', url: emu.url, tokenId: DEFAULT_TOKEN_ID, tokenSecret: DEFAULT_TOKEN_SECRET, worldFile },
    close: async () => {
      await emu.close();
      rmSync(worldDir, { recursive: true, force: true });
    },
  };
}
