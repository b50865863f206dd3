/**
 * Command-line parsing: `hl [OPTIONS] COMMAND [ARGS] [OPTIONS]`. Options are declared once
 * with the commands that accept them, and may be written as hl does (`--target ADDR`) or as
 * Terraform does (`-target=ADDR`); anything else is a usage error naming the option, with a
 * did-you-mean. Nothing is guessed: an unknown option is never read as something else.
 */
import { error, type Diagnostic } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';

export interface CliOptions {
  /** -chdir=DIR: run as if started in DIR (done at the process edge, before the command). */
  chdir?: string;
  config: string;
  /** --state: a state file instead of homelab.state.json beside the config. */
  state?: string;
  /** --backend: file or pg, instead of what the config and environment say. */
  backend?: string;
  color: boolean | undefined;
  json: boolean;
  vars: string[];
  varFiles: string[];
  lock: boolean;
  lockTimeoutMs: number;
  parallelism: number;
  targets: string[];
  replace: string[];
  refresh: boolean;
  refreshOnly: boolean;
  detailedExitcode: boolean;
  out?: string;
  autoApprove: boolean;
  /** -destroy: plan the destruction of everything (plan), or be hl destroy (apply). */
  destroy: boolean;
  /** -input=false: never ask anything (hl never asks for variables; apply does not ask for "yes"). */
  input: boolean;
  /** -compact-warnings: accepted for Terraform's sake; has no effect. */
  compactWarnings: boolean;
  format?: string;
  policy?: string;
  port?: number;
  host?: string;
  world?: string;
  /** --force: workspace delete, state push and state migrate. */
  force: boolean;
  /** --to: the destination backend of state migrate. */
  to?: string;
  /** --serial: the stored version state show reads. */
  serial?: number;
  /** fmt -check: write nothing, exit 3 when a file is not in canonical layout. */
  check: boolean;
  /** fmt -diff: print a unified diff of each file fmt changes. */
  diff: boolean;
  /** fmt -recursive: the subdirectories too. */
  recursive: boolean;
  /** -raw: output prints one string, number or bool as it is. */
  raw: boolean;
  /** placement --cpu-threshold / --memory-threshold: when a node counts as overloaded, as shares 0..1. */
  cpuThreshold?: number;
  memoryThreshold?: number;
  /** watch --interval: the time between cycles (ms). */
  intervalMs?: number;
  /** watch --once: one cycle, then exit. */
  once: boolean;
  /** watch --listen HOST:PORT: the loopback status listener. */
  listen?: string;
  /** watch --heartbeat ADDRESS: the monitor to send a heartbeat to after each cycle. */
  heartbeat?: string;
  help: boolean;
}

export interface ParsedCommand {
  command: string;
  args: string[];
  options: CliOptions;
}

type OptionName =
  | 'chdir'
  | 'config'
  | 'state'
  | 'backend'
  | 'no-color'
  | 'json'
  | 'var'
  | 'var-file'
  | 'lock'
  | 'lock-timeout'
  | 'parallelism'
  | 'target'
  | 'replace'
  | 'refresh'
  | 'refresh-only'
  | 'detailed-exitcode'
  | 'out'
  | 'auto-approve'
  | 'destroy'
  | 'input'
  | 'compact-warnings'
  | 'format'
  | 'policy'
  | 'port'
  | 'host'
  | 'world'
  | 'force'
  | 'to'
  | 'serial'
  | 'raw'
  | 'cpu-threshold'
  | 'memory-threshold'
  | 'check'
  | 'diff'
  | 'recursive'
  | 'interval'
  | 'once'
  | 'listen'
  | 'heartbeat'
  | 'version'
  | 'help';

/**
 * How an option takes its value: `string` needs one (`--out FILE`, `--out=FILE`); `flag`
 * takes none, or `=true`/`=false`; `switch` is a flag whose value may also follow as a
 * separate word (`--lock false`), as hl has always read `--lock` and `--refresh`.
 */
interface OptionSpec {
  kind: 'string' | 'flag' | 'switch';
  short?: string;
  multiple?: boolean;
  /** What the value is, for messages: `-target` needs ADDR. */
  value?: string;
}

const SPEC: Record<OptionName, OptionSpec> = {
  chdir: { kind: 'string', value: 'DIR' },
  config: { kind: 'string', short: 'c', value: 'PATH' },
  state: { kind: 'string', value: 'PATH' },
  backend: { kind: 'string', value: 'file|pg' },
  'no-color': { kind: 'flag' },
  json: { kind: 'flag' },
  var: { kind: 'string', multiple: true, value: 'NAME=VALUE' },
  'var-file': { kind: 'string', multiple: true, value: 'FILE' },
  lock: { kind: 'switch' },
  'lock-timeout': { kind: 'string', value: 'DURATION' },
  parallelism: { kind: 'string', value: 'N' },
  target: { kind: 'string', multiple: true, value: 'ADDR' },
  replace: { kind: 'string', multiple: true, value: 'ADDR' },
  refresh: { kind: 'switch' },
  'refresh-only': { kind: 'flag' },
  'detailed-exitcode': { kind: 'flag' },
  out: { kind: 'string', value: 'FILE' },
  'auto-approve': { kind: 'flag' },
  destroy: { kind: 'flag' },
  input: { kind: 'switch' },
  'compact-warnings': { kind: 'flag' },
  format: { kind: 'string', value: 'FORMAT' },
  policy: { kind: 'string', value: 'FILE' },
  port: { kind: 'string', value: 'N' },
  host: { kind: 'string', value: 'ADDR' },
  world: { kind: 'string', value: 'FILE' },
  force: { kind: 'flag' },
  to: { kind: 'string', value: 'file|pg' },
  serial: { kind: 'string', value: 'N' },
  raw: { kind: 'flag' },
  'cpu-threshold': { kind: 'string', value: 'PERCENT' },
  'memory-threshold': { kind: 'string', value: 'PERCENT' },
  check: { kind: 'flag' },
  diff: { kind: 'flag' },
  recursive: { kind: 'flag' },
  interval: { kind: 'string', value: 'DURATION' },
  once: { kind: 'flag' },
  listen: { kind: 'string', value: 'HOST:PORT' },
  heartbeat: { kind: 'string', value: 'ADDR' },
  version: { kind: 'flag', short: 'v' },
  help: { kind: 'flag', short: 'h' },
};

/** Terraform options hl has no counterpart for, with what to do instead. */
const REFUSED: Record<string, string> = {
  'state-out': 'hl writes the state back where it read it: use --state PATH (or -state=PATH) for both.',
  backup: 'hl keeps the previous state itself (homelab.state.json.backup beside it, or every version with the pg backend).',
};

/** Options every command takes: -chdir=DIR runs the command as if started in DIR. */
const GLOBAL: OptionName[] = ['chdir'];
const COMMON: OptionName[] = [...GLOBAL, 'config', 'state', 'backend', 'no-color', 'help'];
const VARS: OptionName[] = ['var', 'var-file', 'input'];
const PLANNING: OptionName[] = [...VARS, 'lock', 'lock-timeout', 'parallelism', 'target', 'replace', 'refresh', 'json', 'compact-warnings'];

export const COMMAND_OPTIONS: Record<string, OptionName[]> = {
  plan: [...COMMON, ...PLANNING, 'refresh-only', 'detailed-exitcode', 'out', 'policy', 'destroy'],
  apply: [...COMMON, ...PLANNING, 'refresh-only', 'auto-approve', 'destroy'],
  destroy: [...COMMON, ...PLANNING, 'auto-approve'],
  validate: [...COMMON, ...VARS, 'json', 'compact-warnings'],
  graph: [...COMMON, 'format'],
  output: [...COMMON, 'json', 'raw'],
  show: [...COMMON, 'json', 'format'],
  import: [...COMMON, ...VARS, 'lock', 'lock-timeout', 'compact-warnings'],
  state: [...COMMON, 'lock', 'lock-timeout', 'json', 'force', 'to', 'serial'],
  workspace: [...COMMON, 'lock', 'lock-timeout', 'json', 'force'],
  'force-unlock': [...COMMON],
  emulate: [...GLOBAL, 'port', 'host', 'world', 'help', 'no-color'],
  docs: [...COMMON, ...VARS, 'refresh', 'out'],
  placement: [...COMMON, ...VARS, 'lock', 'lock-timeout', 'json', 'cpu-threshold', 'memory-threshold'],
  watch: [...COMMON, ...VARS, 'lock', 'lock-timeout', 'parallelism', 'policy', 'interval', 'once', 'listen', 'heartbeat'],
  providers: [...COMMON, ...VARS, 'json'],
  console: [...COMMON, ...VARS],
  fmt: [...GLOBAL, 'check', 'diff', 'recursive', 'no-color', 'help'],
  completion: [...GLOBAL, 'help'],
  /** What the completion scripts call: `hl complete -- WORDS...` (not listed in the help). */
  complete: [...COMMON],
  version: [...GLOBAL, 'json', 'help'],
  help: [...GLOBAL, 'help', 'no-color'],
};

/** Commands that take no positional arguments: a stray word is refused, never ignored. */
const NO_ARGUMENTS = new Set(['plan', 'validate', 'graph', 'version', 'providers', 'console', 'placement', 'watch']);

const SHORT: Record<string, OptionName> = Object.fromEntries(
  (Object.entries(SPEC) as [OptionName, OptionSpec][]).flatMap(([name, spec]) => (spec.short ? [[spec.short, name]] : [])),
);

/** One option as written: its name, how the user spelled it (`-target`, `--target`, `-c`) and its value. */
interface Given {
  name: OptionName;
  spelled: string;
  /** The value, or undefined for a flag or switch written alone. */
  value: string | undefined;
}

/** The words of a command line, split into options and positionals; nothing is interpreted yet. */
interface Words {
  given: Given[];
  positionals: string[];
  /** The first option hl does not know, as written (`-chdri`), without its value. */
  unknown?: string;
  diagnostics: Diagnostic[];
}

const BOOL_WORD = /^(true|false|1|0|yes|no)$/i;

/** An argument that is an option rather than a value: `-x`, `--x`, not `-` alone. */
function looksLikeOption(arg: string): boolean {
  return arg.length > 1 && arg.startsWith('-');
}

/**
 * Splits argv into options and positionals. An option may be written with two dashes (hl's
 * habit) or one (Terraform's): `--target ADDR`, `-target=ADDR`. A word after one dash is one
 * option name, never a cluster of one-letter options, so `-chdir=x` is never `-c hdir=x`;
 * `-c`, `-h` and `-v` are the only one-letter options. Options may come before the command.
 */
function splitWords(argv: string[]): Words {
  const words: Words = { given: [], positionals: [], diagnostics: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      words.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!looksLikeOption(arg)) {
      words.positionals.push(arg);
      continue;
    }
    const dashes = arg.startsWith('--') ? '--' : '-';
    const body = arg.slice(dashes.length);
    const eq = body.indexOf('=');
    const written = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    const spelled = dashes + written;
    const name: OptionName | undefined =
      dashes === '-' && written.length === 1 ? SHORT[written] : written.length > 1 && written in SPEC ? (written as OptionName) : undefined;
    if (!name) {
      words.unknown ??= spelled;
      continue;
    }
    const spec = SPEC[name];
    let value = inline;
    if (spec.kind === 'string' && !value) {
      const next = argv[i + 1];
      if (value === '' || next === undefined || looksLikeOption(next)) {
        words.diagnostics.push(
          error(
            `Option "${spelled}" needs a value`,
            undefined,
            `Write ${spelled}=${spec.value ?? 'VALUE'} or ${spelled} ${spec.value ?? 'VALUE'}.`,
          ),
        );
        continue;
      }
      value = next;
      i++;
    } else if (spec.kind === 'switch' && value === undefined && BOOL_WORD.test(argv[i + 1] ?? '')) {
      value = argv[++i];
    }
    words.given.push({ name, spelled, value });
  }
  return words;
}

export function parseCommandLine(argv: string[]): { parsed?: ParsedCommand; diagnostics: Diagnostic[] } {
  const words = splitWords(argv);
  const named = (n: OptionName): boolean => words.given.some((g) => g.name === n);
  let command = words.positionals[0];
  if (command === undefined) command = named('version') && !named('help') ? 'version' : 'help';
  const positionals = words.positionals.slice(1);
  const allowed = COMMAND_OPTIONS[command];
  if (words.unknown !== undefined) return { diagnostics: [unknownOption(words.unknown, allowed ?? Object.keys(SPEC))] };
  if (words.diagnostics.length > 0) return { diagnostics: words.diagnostics };
  if (!allowed) {
    const s = didYouMean(command, Object.keys(COMMAND_OPTIONS));
    return {
      diagnostics: [
        error(
          `Unknown command "${command}"`,
          undefined,
          s ? `Did you mean "hl ${s}"? Run "hl --help" for the list.` : 'Run "hl --help" for the list of commands.',
        ),
      ],
    };
  }
  for (const g of words.given) {
    // `hl --version` and `hl -v` are the version command; elsewhere --version is not an option
    if (g.name === 'version' && command === 'version' && words.positionals.length === 0) continue;
    if (!allowed.includes(g.name)) {
      if (words.positionals.length === 0)
        return {
          diagnostics: [
            error(`Option "${g.spelled}" needs a command`, undefined, `Write hl COMMAND ${g.spelled}; "hl --help" lists the commands.`),
          ],
        };
      return { diagnostics: [error(`Option "${g.spelled}" does not apply to "hl ${command}"`, undefined, `Run "hl ${command} --help".`)] };
    }
  }
  const stray = positionals[0];
  if (stray !== undefined && NO_ARGUMENTS.has(command)) {
    const hint = BOOL_WORD.test(stray)
      ? `A flag takes its value after "=" (-detailed-exitcode=true), not as the next word.`
      : command === 'plan' || command === 'validate'
        ? `To work on the config in another directory, use -chdir=${stray} (or -c ${stray}).`
        : `Run "hl ${command} --help".`;
    return { diagnostics: [error(`"hl ${command}" takes no arguments, but was given "${stray}"`, undefined, hint)] };
  }
  const diagnostics: Diagnostic[] = [];
  const last = new Map<OptionName, Given>();
  for (const g of words.given) last.set(g.name, g);
  const str = (k: OptionName): string | undefined => last.get(k)?.value;
  const list = (k: OptionName): string[] => words.given.filter((g) => g.name === k).map((g) => g.value!);
  const spelled = (k: OptionName): string => last.get(k)?.spelled ?? `--${k}`;
  /** A flag or switch: undefined when not given; given alone, true. */
  const bool = (k: OptionName): boolean | undefined => {
    const g = last.get(k);
    if (!g) return undefined;
    if (g.value === undefined) return true;
    if (/^(true|1|yes)$/i.test(g.value)) return true;
    if (/^(false|0|no)$/i.test(g.value)) return false;
    diagnostics.push(error(`Invalid value for ${g.spelled}: "${g.value}" (expected true or false)`));
    return undefined;
  };
  const options = defaults();
  if (str('chdir') !== undefined) options.chdir = str('chdir')!;
  if (str('config') !== undefined) options.config = str('config')!;
  if (str('state') !== undefined) options.state = str('state')!;
  if (str('backend') !== undefined) options.backend = str('backend')!;
  if (bool('no-color')) options.color = false;
  options.json = bool('json') === true;
  options.vars = list('var');
  options.varFiles = list('var-file');
  options.targets = list('target');
  options.replace = list('replace');
  options.refreshOnly = bool('refresh-only') === true;
  options.detailedExitcode = bool('detailed-exitcode') === true;
  options.autoApprove = bool('auto-approve') === true;
  options.destroy = bool('destroy') === true;
  options.input = bool('input') ?? true;
  options.compactWarnings = bool('compact-warnings') === true;
  options.help = bool('help') === true;
  options.force = bool('force') === true;
  options.raw = bool('raw') === true;
  options.check = bool('check') === true;
  options.diff = bool('diff') === true;
  options.recursive = bool('recursive') === true;
  options.once = bool('once') === true;
  if (str('listen') !== undefined) options.listen = str('listen')!;
  if (str('heartbeat') !== undefined) options.heartbeat = str('heartbeat')!;
  if (str('interval') !== undefined) {
    const ms = parseDuration(str('interval')!);
    if (ms === undefined || ms < 1000)
      diagnostics.push(
        error(`Invalid value for ${spelled('interval')}: "${str('interval')}" (expected a duration of at least 1s, such as 30s, 5m or 1h)`),
      );
    else options.intervalMs = ms;
  }
  bool('version');
  if (str('to') !== undefined) options.to = str('to')!;
  for (const k of ['out', 'format', 'policy', 'host', 'world'] as const) if (str(k) !== undefined) options[k] = str(k)!;
  options.lock = bool('lock') ?? true;
  options.refresh = bool('refresh') ?? true;
  if (str('lock-timeout') !== undefined) {
    const ms = parseDuration(str('lock-timeout')!);
    if (ms === undefined)
      diagnostics.push(
        error(
          `Invalid value for ${spelled('lock-timeout')}: "${str('lock-timeout')}" (expected a duration such as 30s, 5m, 1h30m, 500ms or 0s)`,
        ),
      );
    else options.lockTimeoutMs = ms;
  }
  if (str('serial') !== undefined) {
    const n = Number(str('serial'));
    if (!/^\d+$/.test(str('serial')!) || !Number.isSafeInteger(n) || n < 1)
      diagnostics.push(
        error(`Invalid value for ${spelled('serial')}: "${str('serial')}" (expected a whole number ≥ 1; see "hl state history")`),
      );
    else options.serial = n;
  }
  // memory may be committed past 100 % (overcommitment), CPU load may not pass it
  for (const [k, field, max] of [
    ['cpu-threshold', 'cpuThreshold', 100],
    ['memory-threshold', 'memoryThreshold', Number.POSITIVE_INFINITY],
  ] as const) {
    const v = str(k);
    if (v === undefined) continue;
    const m = /^(\d+(?:\.\d+)?) ?%?$/.exec(v.trim());
    if (!m || Number(m[1]) > max) {
      const range = max === 100 ? 'from 0 to 100' : 'of 0 or more';
      diagnostics.push(error(`Invalid value for ${spelled(k)}: "${v}" (expected a percentage ${range}, such as 60 or 75%)`));
    } else options[field] = Number(m[1]) / 100;
  }
  for (const k of ['parallelism', 'port'] as const) {
    const v = str(k);
    if (v === undefined) continue;
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < (k === 'port' ? 0 : 1))
      diagnostics.push(error(`Invalid value for ${spelled(k)}: "${v}" (expected a whole number${k === 'port' ? '' : ' ≥ 1'})`));
    else options[k] = n;
  }
  if (options.refreshOnly && !options.refresh)
    diagnostics.push(error(`${spelled('refresh-only')} and ${spelled('refresh')}=false cannot be used together`));
  if (options.destroy && options.refreshOnly)
    diagnostics.push(error(`${spelled('destroy')} and ${spelled('refresh-only')} cannot be used together`));
  return { parsed: { command, args: positionals, options }, diagnostics };
}

/** `Unknown option "-chdri"`, with the closest option the command takes, spelled with the same dashes. */
function unknownOption(spelled: string, allowed: readonly string[]): Diagnostic {
  const dashes = spelled.startsWith('--') ? '--' : '-';
  const word = spelled.slice(dashes.length);
  const refused = REFUSED[word];
  if (refused) return error(`hl has no option "${spelled}"`, undefined, refused);
  const s = didYouMean(word, allowed) ?? didYouMean(word, Object.keys(SPEC));
  const clustered = dashes === '-' && SHORT[word[0] ?? ''] === 'config' ? `Write -c ${word.slice(1)} to give -c a value.` : undefined;
  return error(
    `Unknown option "${spelled}"`,
    undefined,
    s ? `Did you mean "${dashes}${s}"?` : (clustered ?? 'Run "hl --help" for the options; an option hl does not know is never guessed at.'),
  );
}

function defaults(): CliOptions {
  return {
    config: 'homelab.yaml',
    color: undefined,
    json: false,
    vars: [],
    varFiles: [],
    lock: true,
    lockTimeoutMs: 0,
    parallelism: 10,
    targets: [],
    replace: [],
    refresh: true,
    refreshOnly: false,
    detailedExitcode: false,
    autoApprove: false,
    destroy: false,
    input: true,
    compactWarnings: false,
    force: false,
    raw: false,
    check: false,
    diff: false,
    recursive: false,
    once: false,
    help: false,
  };
}

const DURATION_UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration as Terraform (Go) writes it: `30s`, `5m`, `1h30m`, `500ms`, `0s`, `0`; or, as hl
 * always took it, a bare number of seconds (`30`). Whole milliseconds; undefined when not one.
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  if (!/^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * DURATION_UNIT_MS[m[2]!]!;
  return Math.round(ms);
}
