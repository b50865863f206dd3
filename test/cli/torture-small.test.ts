/**
 * `npm run torture` in small (bench/torture.ts): a few trials of each part against the
 * built hl, so a regression in crash recovery, fault handling, locking or input checking
 * shows up in `npm test`. The full run (200 crash trials per provider, every bad input) is
 * `npm run torture`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { badInputPart, CASE_BOUNDS, makeBaseProject } from '../../bench/torture/bad-input-part.js';
import {
  badYamlCases,
  corpusCases,
  deepListCase,
  hugeValueCases,
  randomPlanCases,
  randomStateCases,
  wrongPlanCases,
  wrongStateCases,
  wrongTypeCases,
  type BadInputCase,
} from '../../bench/torture/bad-input-cases.js';
import { concurrencyPart } from '../../bench/torture/concurrency-part.js';
import { crashPart } from '../../bench/torture/crash-part.js';
import { fakeLostReplies, fakeRefusals, faultsPart } from '../../bench/torture/faults-part.js';
import { CHANGE_KINDS, type ChangeKind } from '../../bench/torture/plan-promise-changes.js';
import { planPromisePart } from '../../bench/torture/plan-promise-part.js';
import { repoRoot } from '../../bench/torture/hl-process.js';
import type { PartSummary } from '../../bench/torture/part-summary.js';
import { onPg } from '../../bench/torture/pg-state.js';
import { standaloneProxmox } from '../../bench/torture/proxmox-standalone.js';
import { Random } from '../../bench/torture/random.js';
import { fakeTarget, fixedTarget } from '../../bench/torture/targets.js';
import { createTestDatabase, describeWithPg } from '../support/pg.js';

const SEED = 20_241_126;

/** The small plan-promise run draws from every change kind, as the full torture does. */
const PLAN_PROMISE_KINDS: readonly ChangeKind[] = CHANGE_KINDS;

/** The summary's counts, with the details of what failed, all expected to be empty. */
function expectClean(s: PartSummary): void {
  expect({ part: s.part, failures: s.failures, orphans: s.orphans, corruptStates: s.corruptStates, details: s.details }).toEqual({
    part: s.part,
    failures: 0,
    orphans: 0,
    corruptStates: 0,
    details: [],
  });
  expect(s.trials).toBeGreaterThan(0);
}

/** The base project the bad-input cases copy, made once (cases never change it). */
let base: Promise<string> | undefined;

async function badInputs(name: string, cases: BadInputCase[]): Promise<PartSummary> {
  base ??= makeBaseProject().then((b) => {
    if (!b.dir) throw new Error(`base project: ${b.problem}`);
    return b.dir;
  });
  // a loaded CI machine gets more time per case; the memory bound stays
  return badInputPart(name, cases, await base, { bounds: { ...CASE_BOUNDS, timeoutMs: 60_000 } });
}

describe('torture (small)', () => {
  it('crash: SIGKILLed applies (fake provider) lose and duplicate nothing', async () => {
    expectClean(await crashPart(fixedTarget(fakeTarget({ latencyMs: 15 })), { trials: 3, random: new Random(SEED) }));
  }, 120_000);

  it('crash: SIGKILLed create_before_destroy replacements (fake provider) lose no old object', async () => {
    expectClean(await crashPart(fixedTarget(fakeTarget({ latencyMs: 15 })), { trials: 2, random: new Random(SEED), replace: true }));
  }, 120_000);

  it('faults: with 30% of calls refused (fake provider), reruns converge and only real failures are reported', async () => {
    expectClean(await faultsPart(fakeRefusals(0.3), { trials: 1, random: new Random(SEED) }));
  }, 120_000);

  it('concurrency: of two applies on one state (fake provider), one proceeds and the other fails fast on the lock', async () => {
    expectClean(await concurrencyPart(fixedTarget(fakeTarget({ latencyMs: 100 })), { trials: 1, random: new Random(SEED) }));
  }, 120_000);

  it('bad input: corpus cases, broken configs, states, journals and saved plans fail cleanly and leave state untouched', async () => {
    const random = new Random(SEED);
    const corpus = corpusCases(join(repoRoot(), 'test', 'fixtures', 'invalid')).filter((_, i) => i % 25 === 0);
    const cases = [
      ...corpus,
      ...wrongTypeCases().slice(0, 2),
      ...badYamlCases().filter((c) => /unclosed flow|second document/.test(c.name)),
      ...hugeValueCases(random).filter((c) => /UTF-16|random binary/.test(c.name)),
      deepListCase(500),
      ...wrongStateCases(random).filter((c) => /empty array|journal with a garbage line|state with a value nested|journal with a begin intent|journal with invalid UTF-8/.test(c.name)),
      ...randomStateCases(random, 1),
      ...wrongPlanCases(random).filter((c) => /older state|random binary/.test(c.name)),
      ...randomPlanCases(random, 1),
    ];
    expect(corpus.length).toBeGreaterThanOrEqual(3);
    expectClean(await badInputs('sample', cases));
  }, 180_000);

  it('plan-promise: random changes (edits, additions, removals, replacements, create_before_destroy, bad references, imports, running guests) planned against the emulators apply or fail before destroying, converge and orphan nothing', async () => {
    const s = await planPromisePart({ trials: 3, random: new Random(SEED), pve: 'embedded', kinds: PLAN_PROMISE_KINDS, maxFailures: 1 });
    expectClean(s);
    // the trials must have reached an apply: a run of refused plans proves nothing
    expect(s.outcomes.applied + s.outcomes['failed-safely']).toBeGreaterThan(0);
  }, 120_000);

  // ---- known bugs, reported --------------------------------------------------------

  // A create whose reply is lost took effect: the executor asks the provider (recover) before
  // calling it failed, so the object is recorded, not orphaned and made again.
  it('faults: with lost replies (fake provider), nothing is orphaned or made twice', async () => {
    expectClean(await faultsPart(fakeLostReplies(0.3), { trials: 1, random: new Random(SEED) }));
  }, 120_000);

  // Parallel reserves must never get the same VMID (they claim it before checking it).
  it('crash: SIGKILLed applies of Proxmox containers (standalone PVE emulator) lose and duplicate nothing', async () => {
    expectClean(await crashPart(standaloneProxmox('proxmox standalone'), { trials: 1, random: new Random(SEED), timeoutMs: 60_000, maxFailures: 1 }));
  }, 180_000);

  // YAML allows nesting thousands deep; hl refuses more than 64 levels with a clear error.
  it('bad input: a list nested 1800 deep gives a clear error', async () => {
    expectClean(await badInputs('deep list', [deepListCase(1800)]));
  }, 120_000);

  // Diagnostics cut long lines: a 10 MB key is not printed back in full.
  it('bad input: a 10 MB key gives an error of a readable size', async () => {
    expectClean(await badInputs('huge key', hugeValueCases(new Random(SEED)).filter((c) => /10 MB key/.test(c.name))));
  }, 120_000);
});

describeWithPg('torture (small) on the pg backend', () => {
  it('crash: SIGKILLed applies with the state in PostgreSQL (fake provider) lose and duplicate nothing', async () => {
    const db = await createTestDatabase('torture_small');
    try {
      const s = await crashPart(onPg(fixedTarget(fakeTarget({ latencyMs: 15 })), db), { trials: 2, random: new Random(SEED) });
      expect(s.part).toBe('crash fake on pg');
      expectClean(s);
    } finally {
      await db.drop();
    }
  }, 120_000);
});
