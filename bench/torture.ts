/**
 * `npm run torture`: crash, fault, concurrency and bad-input torture of the built `hl`,
 * one summary line per part (trials, failures, orphans, corrupt states); exits 1 when any
 * part failed. Options:
 *
 *   --trials N            crash trials per provider (default 200); the other parts scale
 *                         with it (crashes of create_before_destroy replacements N/4 on the
 *                         fake provider, faults N/20 per scenario on the fake provider and
 *                         N/100 on the PVE emulator, concurrency N/10, bad-input mutations N/4,
 *                         plan-promise N/5 per PVE emulator kind when not the only part, N
 *                         when it is: --parts plan-promise --trials 40 runs 40 per kind)
 *   --parts a,b           crash, faults, concurrency, bad-input, plan-promise (default: all)
 *   --providers a,b       fake, proxmox (default: both)
 *   --backends a,b        file, pg (default: file): where hl keeps the state. On pg the crash
 *                         and concurrency parts run with every trial's state in a schema of its
 *                         own, on HL_TEST_PG_URL's server or a throwaway cluster this run starts
 *                         (scripts/pg-test-cluster.sh) and stops; the other parts run on file only
 *   --seed S              replay a run (the seed is printed at the start)
 *   --parallelism N       run every apply with --parallelism N (to tell concurrency bugs apart)
 *   --verbose             print each plan-promise trial's change and outcome
 *
 * Failed trials keep their project directory (named in the details) for a look.
 */
import { join } from 'node:path';
import { badInputPart, makeBaseProject } from './torture/bad-input-part.js';
import { configCases, corpusCases, planCases, stateCases } from './torture/bad-input-cases.js';
import { concurrencyPart } from './torture/concurrency-part.js';
import { crashPart } from './torture/crash-part.js';
import { fakeLostReplies, fakeRefusals, faultsPart } from './torture/faults-part.js';
import { planPromisePart } from './torture/plan-promise-part.js';
import { repoRoot } from './torture/hl-process.js';
import { emptySummary, recordTrial, summaryLine, type PartSummary } from './torture/part-summary.js';
import { PROXMOX_FAULT_KINDS, proxmoxFaultScenario, standaloneProxmox } from './torture/proxmox-standalone.js';
import { createTortureDatabase, onPg, pgServer } from './torture/pg-state.js';
import { Random } from './torture/random.js';
import { fakeTarget, fixedTarget, proxmoxTarget, withParallelism, type TargetSetup } from './torture/targets.js';

const PARTS = ['crash', 'faults', 'concurrency', 'bad-input', 'plan-promise'] as const;
const PROVIDERS = ['fake', 'proxmox'] as const;
const BACKENDS = ['file', 'pg'] as const;
type Part = (typeof PARTS)[number];
type ProviderName = (typeof PROVIDERS)[number];
type BackendName = (typeof BACKENDS)[number];

interface Options {
  trials: number;
  parts: Part[];
  providers: ProviderName[];
  backends: BackendName[];
  seed: number;
  parallelism?: number;
  verbose?: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    trials: 200,
    parts: [...PARTS],
    providers: [...PROVIDERS],
    backends: ['file'],
    seed: Math.floor(Math.random() * 2 ** 31),
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const list = <T extends string>(allowed: readonly T[]): T[] => {
      const items = (value ?? '').split(',').filter(Boolean);
      for (const x of items) if (!allowed.includes(x as T)) usage(`unknown ${flag.slice(2)} "${x}" (known: ${allowed.join(', ')})`);
      return items as T[];
    };
    if (flag === '--verbose') {
      opts.verbose = true;
      continue;
    }
    if (flag === '--trials') opts.trials = positive(flag, value);
    else if (flag === '--seed') opts.seed = positive(flag, value);
    else if (flag === '--parallelism') opts.parallelism = positive(flag, value);
    else if (flag === '--parts') opts.parts = list(PARTS);
    else if (flag === '--providers') opts.providers = list(PROVIDERS);
    else if (flag === '--backends') opts.backends = list(BACKENDS);
    else usage(`unknown option ${flag}`);
    i++;
  }
  return opts;
}

function positive(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) usage(`${flag} takes a whole number, got ${JSON.stringify(value)}`);
  return n;
}

function usage(problem: string): never {
  console.error(
    `torture: ${problem}\nUsage: npm run torture -- [--trials N] [--parts crash,faults,concurrency,bad-input,plan-promise] [--providers fake,proxmox] [--backends file,pg] [--seed S] [--parallelism N] [--verbose]`,
  );
  process.exit(2);
}

function progress(summary: PartSummary, done: number, of: number): void {
  if (done % 10 === 0 || done === of) process.stderr.write(`  ${summary.part}: ${done}/${of}, ${summary.failures} failed\n`);
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const random = new Random(opts.seed);
  const scaled = (divisor: number) => Math.max(1, Math.round(opts.trials / divisor));
  console.log(
    `hl torture: seed ${opts.seed}, ${opts.trials} crash trials per provider, parts ${opts.parts.join(', ')}, providers ${opts.providers.join(', ')}, backends ${opts.backends.join(', ')}`,
  );
  const summaries: PartSummary[] = [];
  const report = (s: PartSummary): void => {
    summaries.push(s);
    console.log(summaryLine(s));
  };
  const onTrial = (of: number) => (done: number, s: PartSummary) => progress(s, done, of);

  // fake: the world is a file in each project; proxmox: the PVE emulator embedded in hl
  // (`emulated: true`, killed with it) and standalone (outliving hl, like a real cluster)
  const limit = <S extends TargetSetup>(s: S): S => (opts.parallelism ? withParallelism(s, opts.parallelism) : s);
  const proxmoxSetups: TargetSetup[] = [
    fixedTarget(proxmoxTarget({ kind: 'embedded' }), 'proxmox embedded'),
    standaloneProxmox('proxmox standalone'),
  ];
  const setups = (fake: TargetSetup): TargetSetup[] =>
    [...(opts.providers.includes('fake') ? [fake] : []), ...(opts.providers.includes('proxmox') ? proxmoxSetups : [])].map(limit);
  const timeoutMs = (s: TargetSetup) => (s.name.startsWith('proxmox') ? 60_000 : 120_000);

  // the parts that test the state's storage: they run on each backend asked for
  const crashParts = async (backend: (s: TargetSetup) => TargetSetup): Promise<void> => {
    for (const s of setups(fixedTarget(fakeTarget({ latencyMs: 15 }))).map(backend)) {
      report(await crashPart(s, { trials: opts.trials, random, timeoutMs: timeoutMs(s), onTrial: onTrial(opts.trials) }));
    }
    if (opts.providers.includes('fake')) {
      // replacements with create_before_destroy: the old objects must never be lost
      const trials = scaled(4);
      const s = backend(limit(fixedTarget(fakeTarget({ latencyMs: 15 }))));
      report(await crashPart(s, { trials, random, timeoutMs: timeoutMs(s), onTrial: onTrial(trials), replace: true }));
    }
  };
  const concurrencyParts = async (backend: (s: TargetSetup) => TargetSetup): Promise<void> => {
    const trials = scaled(10);
    // slow enough that the two runs overlap
    for (const s of setups(fixedTarget(fakeTarget({ latencyMs: 100 }))).map(backend))
      report(await concurrencyPart(s, { trials, random, onTrial: onTrial(trials) }));
  };
  const onFile = opts.backends.includes('file');
  const asIs = (s: TargetSetup): TargetSetup => s;

  if (onFile && opts.parts.includes('crash')) await crashParts(asIs);
  if (onFile && opts.parts.includes('faults')) {
    if (opts.providers.includes('fake')) {
      const trials = scaled(20);
      for (const scenario of [fakeRefusals(0.1), fakeRefusals(0.3), fakeLostReplies(0.1), fakeLostReplies(0.3)]) {
        report(await faultsPart(limit(scenario), { trials, random, onTrial: onTrial(trials) }));
      }
    }
    if (opts.providers.includes('proxmox')) {
      const trials = scaled(100);
      for (const rate of [0.1, 0.3]) {
        for (const kind of PROXMOX_FAULT_KINDS)
          report(await faultsPart(limit(proxmoxFaultScenario(kind, rate)), { trials, random, onTrial: onTrial(trials) }));
      }
    }
  }
  if (onFile && opts.parts.includes('concurrency')) await concurrencyParts(asIs);
  if (onFile && opts.parts.includes('bad-input')) {
    const base = await makeBaseProject();
    if (!base.dir) {
      const s = emptySummary('bad input base project');
      recordTrial(s, { label: 'setup', problems: [base.problem ?? 'unknown'] });
      report(s);
    } else {
      const n = scaled(4);
      const families: [string, ReturnType<typeof corpusCases>][] = [
        ['invalid-config corpus', corpusCases(join(repoRoot(), 'test', 'fixtures', 'invalid'))],
        ['mutated configs', configCases(random, n)],
        ['corrupted states', stateCases(random, n)],
        ['corrupted saved plans', planCases(random, n)],
      ];
      for (const [name, cases] of families) report(await badInputPart(name, cases, base.dir, { onTrial: onTrial(cases.length) }));
    }
  }
  if (onFile && opts.parts.includes('plan-promise') && opts.providers.includes('proxmox')) {
    // random configs and changes: every plan hl accepts must apply, or fail before destroying anything
    const trials = opts.parts.length === 1 ? opts.trials : scaled(5);
    for (const pve of ['embedded', 'standalone'] as const) {
      const log = opts.verbose ? (line: string) => process.stderr.write(`${line}\n`) : undefined;
      report(await planPromisePart({ trials, random, pve, onTrial: onTrial(trials), ...(log ? { log } : {}) }));
    }
  }

  if (opts.backends.includes('pg') && (opts.parts.includes('crash') || opts.parts.includes('concurrency'))) {
    const server = await pgServer();
    if ('problem' in server) {
      const s = emptySummary('pg server');
      recordTrial(s, { label: 'setup', problems: [server.problem] });
      report(s);
    } else {
      try {
        const db = await createTortureDatabase(server.url);
        const before = summaries.length;
        const pg = (s: TargetSetup): TargetSetup => onPg(s, db);
        if (opts.parts.includes('crash')) await crashParts(pg);
        if (opts.parts.includes('concurrency')) await concurrencyParts(pg);
        const pgFailed = summaries.slice(before).some((s) => s.failures > 0 || s.orphans > 0 || s.corruptStates > 0);
        // a failed trial's state stays in its schema, for a look (while the server lives)
        if (pgFailed && process.env.HL_TEST_PG_URL) console.log(`Kept database ${db.name}: each trial's state is in a schema of its own.`);
        else await db.drop();
      } finally {
        await server.stop();
      }
    }
  }

  const failed = summaries.filter((s) => s.failures > 0 || s.orphans > 0 || s.corruptStates > 0);
  for (const s of failed) {
    console.log(`\n${s.part}:`);
    for (const d of s.details.slice(0, 15)) console.log(`  - ${d}`);
    if (s.details.length > 15) console.log(`  ... and ${s.details.length - 15} more`);
  }
  console.log(
    `\n${failed.length === 0 ? 'All parts passed' : `${failed.length} of ${summaries.length} parts failed`} (seed ${opts.seed}).`,
  );
  process.exitCode = failed.length === 0 ? 0 : 1;
}

await main();
