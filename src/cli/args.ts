/**
 * Command-line parsing: `hl COMMAND [ARGS] [OPTIONS]`. Options are declared once with the
 * commands that accept them; anything else is a usage error with a did-you-mean.
 */
import { parseArgs } from 'node:util';
import { error, type Diagnostic } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';

export interface CliOptions {
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
  help: boolean;
}

export interface ParsedCommand {
  command: string;
  args: string[];
  options: CliOptions;
}

type OptionName =
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
  | 'format'
  | 'policy'
  | 'port'
  | 'host'
  | 'world'
  | 'force'
  | 'to'
  | 'serial'
  | 'help';

const SPEC = {
  config: { type: 'string', short: 'c' },
  state: { type: 'string' },
  backend: { type: 'string' },
  'no-color': { type: 'boolean' },
  json: { type: 'boolean' },
  var: { type: 'string', multiple: true },
  'var-file': { type: 'string', multiple: true },
  lock: { type: 'string' },
  'lock-timeout': { type: 'string' },
  parallelism: { type: 'string' },
  target: { type: 'string', multiple: true },
  replace: { type: 'string', multiple: true },
  refresh: { type: 'string' },
  'refresh-only': { type: 'boolean' },
  'detailed-exitcode': { type: 'boolean' },
  out: { type: 'string' },
  'auto-approve': { type: 'boolean' },
  format: { type: 'string' },
  policy: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  world: { type: 'string' },
  force: { type: 'boolean' },
  to: { type: 'string' },
  serial: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMON: OptionName[] = ['config', 'state', 'backend', 'no-color', 'help'];
const VARS: OptionName[] = ['var', 'var-file'];
const PLANNING: OptionName[] = [...VARS, 'lock', 'lock-timeout', 'parallelism', 'target', 'replace', 'refresh', 'json'];

export const COMMAND_OPTIONS: Record<string, OptionName[]> = {
  plan: [...COMMON, ...PLANNING, 'refresh-only', 'detailed-exitcode', 'out', 'policy'],
  apply: [...COMMON, ...PLANNING, 'refresh-only', 'auto-approve'],
  destroy: [...COMMON, ...PLANNING, 'auto-approve'],
  validate: [...COMMON, ...VARS, 'json'],
  graph: [...COMMON, 'format'],
  output: [...COMMON, 'json'],
  show: [...COMMON, 'json', 'format'],
  import: [...COMMON, ...VARS, 'lock', 'lock-timeout'],
  state: [...COMMON, 'lock', 'lock-timeout', 'json', 'force', 'to', 'serial'],
  workspace: [...COMMON, 'lock', 'lock-timeout', 'json', 'force'],
  'force-unlock': [...COMMON],
  emulate: ['port', 'host', 'world', 'help', 'no-color'],
  docs: [...COMMON, ...VARS, 'refresh', 'out'],
  version: ['json', 'help'],
  help: ['help'],
};

export function parseCommandLine(argv: string[]): { parsed?: ParsedCommand; diagnostics: Diagnostic[] } {
  const first = argv.find((a) => !a.startsWith('-'));
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (!first) {
    if (wantsHelp || argv.length === 0) return { parsed: { command: 'help', args: [], options: defaults() }, diagnostics: [] };
    if (argv.includes('--version')) return { parsed: { command: 'version', args: [], options: defaults() }, diagnostics: [] };
  }
  const command = first ?? 'help';
  const allowed = COMMAND_OPTIONS[command];
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
  const rest = [...argv];
  rest.splice(rest.indexOf(command), 1);
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: rest, options: SPEC, allowPositionals: true, strict: true }));
  } catch (e) {
    const msg = (e as Error).message;
    const m = /Unknown option '(-{1,2}[^']+)'/.exec(msg);
    if (m) {
      const name = m[1]!.replace(/^-+/, '');
      const s = didYouMean(name, allowed);
      return {
        diagnostics: [
          error(`Unknown option "${m[1]}" for "hl ${command}"`, undefined, s ? `Did you mean "--${s}"?` : `Run "hl ${command} --help".`),
        ],
      };
    }
    return { diagnostics: [error(`Invalid command line: ${msg.split('\n')[0]}`)] };
  }
  for (const name of Object.keys(values)) {
    if (!allowed.includes(name as OptionName)) {
      return { diagnostics: [error(`Option "--${name}" does not apply to "hl ${command}"`, undefined, `Run "hl ${command} --help".`)] };
    }
  }
  const diagnostics: Diagnostic[] = [];
  const options = defaults();
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const list = (k: string): string[] => (values[k] as string[] | undefined) ?? [];
  if (str('config') !== undefined) options.config = str('config')!;
  if (str('state') !== undefined) options.state = str('state')!;
  if (str('backend') !== undefined) options.backend = str('backend')!;
  if (values['no-color']) options.color = false;
  options.json = values['json'] === true;
  options.vars = list('var');
  options.varFiles = list('var-file');
  options.targets = list('target');
  options.replace = list('replace');
  options.refreshOnly = values['refresh-only'] === true;
  options.detailedExitcode = values['detailed-exitcode'] === true;
  options.autoApprove = values['auto-approve'] === true;
  options.help = values['help'] === true;
  options.force = values['force'] === true;
  if (str('to') !== undefined) options.to = str('to')!;
  for (const k of ['out', 'format', 'policy', 'host', 'world'] as const) if (str(k) !== undefined) options[k] = str(k)!;
  const bool = (k: string): boolean | undefined => {
    const v = str(k);
    if (v === undefined) return undefined;
    if (/^(true|1|yes)$/i.test(v)) return true;
    if (/^(false|0|no)$/i.test(v)) return false;
    diagnostics.push(error(`Invalid value for --${k}: "${v}" (expected true or false)`));
    return undefined;
  };
  options.lock = bool('lock') ?? true;
  options.refresh = bool('refresh') ?? true;
  if (str('lock-timeout') !== undefined) {
    const ms = parseDuration(str('lock-timeout')!);
    if (ms === undefined)
      diagnostics.push(error(`Invalid value for --lock-timeout: "${str('lock-timeout')}" (expected a duration such as 30s, 2m or 500ms)`));
    else options.lockTimeoutMs = ms;
  }
  if (str('serial') !== undefined) {
    const n = Number(str('serial'));
    if (!/^\d+$/.test(str('serial')!) || !Number.isSafeInteger(n) || n < 1)
      diagnostics.push(error(`Invalid value for --serial: "${str('serial')}" (expected a whole number ≥ 1; see "hl state history")`));
    else options.serial = n;
  }
  for (const k of ['parallelism', 'port'] as const) {
    const v = str(k);
    if (v === undefined) continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n < (k === 'port' ? 0 : 1))
      diagnostics.push(error(`Invalid value for --${k}: "${v}" (expected a whole number${k === 'port' ? '' : ' ≥ 1'})`));
    else options[k] = n;
  }
  if (options.refreshOnly && !options.refresh) diagnostics.push(error('--refresh-only and --refresh=false cannot be used together'));
  return { parsed: { command, args: positionals, options }, diagnostics };
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
    force: false,
    help: false,
  };
}

/** `30s`, `2m`, `500ms`, `1h`, or a bare number of seconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000));
}
