/**
 * `--json` on plan, apply, destroy and validate: Terraform's machine-readable UI, one JSON
 * object a line (https://developer.hashicorp.com/terraform/internals/machine-readable-ui).
 * Every line has `@level`, `@message`, `@module` ("hl.ui"), `@timestamp` (RFC 3339 with
 * fractional seconds, from the clock the caller passes) and `type`; then the fields of its
 * type: `version`, `planned_change`, `resource_drift`, `change_summary`, `apply_start`,
 * `apply_progress`, `apply_complete`, `apply_errored`, `diagnostic`, `outputs`, `log`.
 *
 * Every line goes through the redactor of the run (the latest one given: the workspace's
 * secrets are known only once it is open), and sensitive values are never written: an
 * output that is sensitive has no value. Differences from Terraform, on purpose: the version
 * line says `hl` (not `terraform`); `implied_provider` is the resource type's prefix
 * (`proxmox` for `proxmox_vm`); a diagnostic's range ends where it starts (hl locates a
 * problem at one point); reasons hl has and Terraform has not keep hl's name
 * (`create_because_gone`, `delete_because_deposed`); `apply_progress` and `apply_errored`
 * carry the provider's words in `hook.message` when there are some; `policy_results` is
 * hl's own type.
 */
import type { OperationEnd, OperationKind, OperationStart } from '../apply/apply-events.js';
import { parseAddress, providerTypeOf } from '../core/address.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { Redactor } from '../core/redact.js';
import { containsUnknown } from '../core/value.js';
import type { ConfigFile } from '../config/config-types.js';
import type { Action, ActionReason, OutputChange, Plan, ResourceChange } from '../plan/plan-types.js';
import type { PolicyResult } from '../plan/policy-result.js';
import type { OutputState } from '../state/state-types.js';
import { deposedAsChange } from '../plan/deposed-change.js';
import { isVisibleChange } from './change-labels.js';
import { jsonValue, type JsonValue } from './json-value-trees.js';

/** The version of the machine-readable UI's shape hl follows. */
export const JSON_UI_VERSION = '1.2';

export type JsonUiLevel = 'info' | 'warn' | 'error';
export type JsonUiOperation = 'plan' | 'apply' | 'destroy';

export interface JsonUiResource {
  addr: string;
  module: string;
  resource: string;
  implied_provider: string;
  resource_type: string;
  resource_name: string;
  resource_key: string | number | null;
}

export interface JsonUiDiagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  address?: string;
  range?: { filename: string; start: JsonUiPos; end: JsonUiPos };
  snippet?: {
    context: string | null;
    code: string;
    start_line: number;
    highlight_start_offset: number;
    highlight_end_offset: number;
    values: never[];
  };
}

interface JsonUiPos {
  line: number;
  column: number;
  byte?: number;
}

export interface JsonUiOptions {
  hlVersion: string;
  /** Milliseconds since the epoch, from the caller's clock. */
  now(): number;
  /** Receives each line, newline included. */
  write(line: string): void;
}

const identity: Redactor = Object.assign((t: string) => t, {
  value: <T>(v: T): T => v,
  json: (v: unknown, space?: number) => JSON.stringify(v, null, space),
  holdsSecret: () => false,
});

/** A redactor from a text-masking function (one given for diagnostics may be only that): every string of a value masked. */
function asRedactor(r: Redactor | ((s: string) => string)): Redactor {
  if ('json' in r) return r;
  const walk = (v: unknown): unknown =>
    typeof v === 'string'
      ? r(v)
      : Array.isArray(v)
        ? v.map(walk)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [r(k), walk(x)]))
          : v;
  return Object.assign((t: string) => r(t), {
    value: <T>(v: T): T => walk(v) as T,
    json: (v: unknown, space?: number) => JSON.stringify(walk(v), null, space),
    holdsSecret: (s: string) => r(s) !== s,
  });
}

/** Terraform's words for an operation's start, progress and end. */
const HOOK_WORDS: Record<OperationKind, { start: string; still: string; done: string; errored: string; action: string }> = {
  create: { start: 'Creating...', still: 'Still creating...', done: 'Creation complete', errored: 'Creation errored', action: 'create' },
  update: {
    start: 'Modifying...',
    still: 'Still modifying...',
    done: 'Modifications complete',
    errored: 'Modifications errored',
    action: 'update',
  },
  delete: {
    start: 'Destroying...',
    still: 'Still destroying...',
    done: 'Destruction complete',
    errored: 'Destruction errored',
    action: 'delete',
  },
  read: { start: 'Reading...', still: 'Still reading...', done: 'Read complete', errored: 'Read errored', action: 'read' },
  move: { start: 'Moving in state...', still: 'Still moving...', done: 'Move complete', errored: 'Move errored', action: 'move' },
  import: { start: 'Importing...', still: 'Still importing...', done: 'Import complete', errored: 'Import errored', action: 'import' },
  forget: {
    start: "Removing from hl's state...",
    still: 'Still removing...',
    done: "Removed from hl's state",
    errored: 'Removal errored',
    action: 'remove',
  },
};

/** Terraform's `change.action` of a planned change. */
function changeAction(c: Pick<ResourceChange, 'action' | 'previousAddress' | 'importing'>): string {
  const byAction: Record<Action, string> = {
    'no-op': 'noop',
    create: 'create',
    read: 'read',
    update: 'update',
    delete: 'delete',
    'delete-create': 'replace',
    'create-delete': 'replace',
    forget: 'remove',
  };
  if (c.action === 'no-op' && c.importing) return 'import';
  if (c.action === 'no-op' && c.previousAddress !== undefined) return 'move';
  return byAction[c.action];
}

/** Terraform's `change.reason`; undefined when there is none to give. */
function changeReason(reason: ActionReason | undefined): string | undefined {
  switch (reason) {
    case undefined:
    case 'delete_because_destroy':
      return undefined;
    case 'replace_because_tainted':
      return 'tainted';
    case 'replace_by_request':
      return 'requested';
    case 'replace_by_triggers':
      return 'replace_triggered_by';
    case 'replace_because_cannot_update':
      return 'cannot_update';
    default:
      return reason;
  }
}

const PLAN_PHRASE: Record<string, string> = {
  noop: 'No changes',
  create: 'Plan to create',
  read: 'Plan to read',
  update: 'Plan to update',
  delete: 'Plan to delete',
  replace: 'Plan to replace',
  remove: 'Plan to remove from state',
  move: 'Plan to move',
  import: 'Plan to import',
};

/** The resource object of Terraform's events, from an instance address. */
export function jsonUiResource(addr: string): JsonUiResource {
  const a = parseAddress(addr);
  if (!a) return { addr, module: '', resource: addr, implied_provider: '', resource_type: '', resource_name: '', resource_key: null };
  const module = a.module ?? '';
  return {
    addr,
    module,
    resource: module ? addr.slice(module.length + 1) : addr,
    implied_provider: providerTypeOf(a.type),
    resource_type: a.type,
    resource_name: a.name,
    resource_key: a.key,
  };
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** A diagnostic in Terraform's JSON shape, with the byte offset and the source line when the file's text is known. */
export function jsonUiDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string>, redact: Redactor): JsonUiDiagnostic {
  const out: JsonUiDiagnostic = { severity: d.severity, summary: redact(d.summary), detail: redact(d.detail ?? '') };
  if (d.address !== undefined) out.address = d.address;
  const loc = d.location;
  if (!loc) return out;
  const pos: JsonUiPos = { line: loc.line, column: loc.col };
  const text = sources.get(loc.file);
  const lines = text?.split('\n');
  const code = lines?.[loc.line - 1];
  if (lines && code !== undefined) {
    let byte = 0;
    for (let i = 0; i < loc.line - 1; i++) byte += utf8Length(lines[i]!) + 1;
    const within = utf8Length(code.slice(0, Math.max(0, loc.col - 1)));
    pos.byte = byte + within;
    const shown = redact(code.replace(/\r$/, ''));
    const offset = Math.min(within, utf8Length(shown));
    out.snippet = {
      context: null,
      code: shown,
      start_line: loc.line,
      highlight_start_offset: offset,
      highlight_end_offset: offset,
      values: [],
    };
  }
  out.range = { filename: loc.file, start: pos, end: { ...pos } };
  return out;
}

/** The type of a JSON value in Terraform's type notation ("string", ["tuple", [...]], ["object", {...}]). */
function typeOf(v: JsonValue): unknown {
  if (v === null) return 'dynamic';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return ['tuple', v.map(typeOf)];
  return ['object', Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeOf(x)]))];
}

interface Running {
  op: OperationKind;
  address: string;
  started: number;
}

/**
 * Writes the lines of one run. The events of an apply (`operationStart`...) and `tick`, which
 * the caller calls every few seconds for the `apply_progress` of what is still running.
 */
export class JsonUiLines {
  private redact: Redactor = identity;
  private readonly sources = new Map<string, string>();
  private readonly running = new Map<string, Running>();

  constructor(private readonly opts: JsonUiOptions) {}

  /** Masks with these secrets from now on (the workspace's, once it is open). */
  useRedactor(redact: Redactor | ((s: string) => string) | undefined): void {
    if (redact) this.redact = asRedactor(redact);
  }

  /** Source texts the diagnostics point into (masked when written). */
  useFiles(files: readonly ConfigFile[] | undefined): void {
    for (const f of files ?? []) this.sources.set(f.path, f.text);
  }

  private emit(level: JsonUiLevel, message: string, type: string, fields: Record<string, unknown> = {}): void {
    const line = {
      '@level': level,
      '@message': message,
      '@module': 'hl.ui',
      '@timestamp': new Date(this.opts.now()).toISOString(),
      type,
      ...fields,
    };
    this.opts.write(this.redact.json(line) + '\n');
  }

  version(): void {
    this.emit('info', `hl ${this.opts.hlVersion}`, 'version', { hl: this.opts.hlVersion, ui: JSON_UI_VERSION });
  }

  log(message: string, level: JsonUiLevel = 'info'): void {
    this.emit(level, this.redact(message), 'log');
  }

  diagnostics(diags: readonly Diagnostic[], context: { files?: readonly ConfigFile[]; redact?: (s: string) => string } = {}): void {
    this.useRedactor(context.redact);
    this.useFiles(context.files);
    for (const d of diags) {
      const diagnostic = jsonUiDiagnostic(d, this.sources, this.redact);
      const level = d.severity === 'error' ? 'error' : 'warn';
      this.emit(level, `${d.severity === 'error' ? 'Error' : 'Warning'}: ${diagnostic.summary}`, 'diagnostic', { diagnostic });
    }
  }

  /** `hl validate`'s diagnostics, then a `log` line saying whether the configuration is valid. */
  validated(r: { files: readonly ConfigFile[]; diagnostics: readonly Diagnostic[] }): void {
    this.diagnostics(r.diagnostics, { files: r.files });
    const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
    if (errors === 0) this.log('Success! The configuration is valid.');
    else this.log(`The configuration is invalid: ${errors} error${errors === 1 ? '' : 's'}.`, 'error');
  }

  /** `resource_drift` for each change made outside hl, `planned_change` for each change, then the `change_summary` and the outputs' changes. */
  plan(plan: Plan, redact?: Redactor): void {
    this.useRedactor(redact);
    for (const c of plan.drift) {
      const action = changeAction(c);
      this.emit('info', `${c.address}: Drift detected (${action})`, 'resource_drift', { change: this.change(c) });
    }
    const changes = [...plan.changes.filter(isVisibleChange), ...plan.deposed.map(deposedAsChange)];
    for (const c of changes) {
      const change = this.change(c);
      this.emit('info', `${c.address}: ${PLAN_PHRASE[change.action] ?? change.action}`, 'planned_change', { change });
    }
    const s = plan.summary;
    const counts = { add: s.add + s.replace, change: s.change, import: s.import ?? 0, remove: s.destroy + s.replace };
    const message =
      plan.mode === 'refresh-only' || !plan.hasChanges
        ? plan.drift.length > 0 && plan.mode === 'refresh-only'
          ? 'Plan: the refresh found changes made outside hl to record in state.'
          : 'No changes. Your infrastructure matches the configuration.'
        : `Plan: ${counts.import > 0 ? `${counts.import} to import, ` : ''}${counts.add} to add, ${counts.change} to change, ${counts.remove} to destroy.`;
    this.emit('info', message, 'change_summary', { changes: { ...counts, operation: 'plan' } });
    const outputs = plan.outputChanges.filter((o) => o.action !== 'no-op');
    if (outputs.length > 0) this.emit('info', `Outputs: ${outputs.length}`, 'outputs', { outputs: plannedOutputs(outputs) });
    this.diagnostics(plan.diagnostics, { files: plan.configuration.files });
  }

  private change(c: ResourceChange): {
    resource: JsonUiResource;
    action: string;
    reason?: string;
    previous_resource?: JsonUiResource;
    importing?: { id: string };
  } {
    const reason = changeReason(c.reason);
    return {
      resource: jsonUiResource(c.address),
      ...(c.previousAddress !== undefined ? { previous_resource: jsonUiResource(c.previousAddress) } : {}),
      action: changeAction(c),
      ...(reason !== undefined ? { reason } : {}),
      ...(c.importing ? { importing: { id: c.importing.id } } : {}),
    };
  }

  /**
   * What the policy rules found (an hl line, `policy_results`, beside Terraform's types): at
   * level error when a rule of severity error failed, warn when only warnings did.
   */
  policyResults(results: readonly PolicyResult[]): void {
    const failed = results.filter((r) => !r.passed);
    const level = failed.some((r) => r.severity === 'error') ? 'error' : failed.length > 0 ? 'warn' : 'info';
    const message = `Policy checks: ${results.length - failed.length} passed, ${failed.length} failed`;
    this.emit(level, message, 'policy_results', { policy_results: results });
  }

  /** The `change_summary` at the end of an apply or destroy that completed. */
  applied(
    operation: 'apply' | 'destroy',
    n: { added: number; changed: number; replaced: number; destroyed: number; imported?: number },
  ): void {
    const counts = { add: n.added + n.replaced, change: n.changed, import: n.imported ?? 0, remove: n.destroyed + n.replaced };
    const message =
      operation === 'destroy'
        ? `Destroy complete! Resources: ${counts.remove} destroyed.`
        : `Apply complete! Resources: ${counts.import > 0 ? `${counts.import} imported, ` : ''}${counts.add} added, ${counts.change} changed, ${counts.remove} destroyed.`;
    this.emit('info', message, 'change_summary', { changes: { ...counts, operation } });
  }

  /** The outputs in state after a run: a sensitive one without its value or type. */
  outputs(outputs: Record<string, OutputState>): void {
    const names = Object.keys(outputs).sort();
    if (names.length === 0) return;
    const out: Record<string, { sensitive: boolean; type?: unknown; value?: JsonValue }> = {};
    for (const name of names) {
      const o = outputs[name]!;
      if (o.sensitive) out[name] = { sensitive: true };
      else {
        const value = jsonValue(o.value);
        out[name] = { sensitive: false, type: typeOf(value), value };
      }
    }
    this.emit('info', `Outputs: ${names.length}`, 'outputs', { outputs: out });
  }

  operationStart(e: OperationStart): void {
    this.running.set(runKey(e), { op: e.operation, address: e.address, started: this.opts.now() });
    const w = HOOK_WORDS[e.operation];
    this.emit('info', `${e.address}: ${w.start}`, 'apply_start', { hook: { resource: jsonUiResource(e.address), action: w.action } });
  }

  operationProgress(e: OperationStart & { message: string }): void {
    const r = this.running.get(runKey(e));
    const w = HOOK_WORDS[e.operation];
    const elapsed = r ? Math.round((this.opts.now() - r.started) / 1000) : 0;
    this.emit('info', `${e.address}: ${w.still} [${elapsed}s elapsed]`, 'apply_progress', {
      hook: { resource: jsonUiResource(e.address), action: w.action, elapsed_seconds: elapsed, message: e.message },
    });
  }

  operationEnd(e: OperationEnd): void {
    const r = this.running.get(runKey(e));
    this.running.delete(runKey(e));
    const elapsed = r ? Math.round((this.opts.now() - r.started) / 1000) : 0;
    const w = HOOK_WORDS[e.operation];
    const resource = jsonUiResource(e.address);
    if (e.outcome === 'ok') {
      const id = e.id !== undefined ? { id_key: 'id', id_value: e.id } : {};
      this.emit('info', `${e.address}: ${w.done} after ${elapsed}s${e.id !== undefined ? ` [id=${e.id}]` : ''}`, 'apply_complete', {
        hook: { resource, action: w.action, ...id, elapsed_seconds: elapsed },
      });
    } else {
      this.emit('error', `${e.address}: ${w.errored} after ${elapsed}s`, 'apply_errored', {
        hook: { resource, action: w.action, elapsed_seconds: elapsed, ...(e.message !== undefined ? { message: e.message } : {}) },
      });
    }
  }

  /** `apply_progress` for each operation still running. */
  tick(): void {
    for (const r of this.running.values()) {
      const w = HOOK_WORDS[r.op];
      const elapsed = Math.round((this.opts.now() - r.started) / 1000);
      this.emit('info', `${r.address}: ${w.still} [${elapsed}s elapsed]`, 'apply_progress', {
        hook: { resource: jsonUiResource(r.address), action: w.action, elapsed_seconds: elapsed },
      });
    }
  }
}

function runKey(e: OperationStart): string {
  return `${e.operation}:${e.address}`;
}

function plannedOutputs(
  outputs: readonly OutputChange[],
): Record<string, { sensitive: boolean; action: string; type?: unknown; value?: JsonValue }> {
  const out: Record<string, { sensitive: boolean; action: string; type?: unknown; value?: JsonValue }> = {};
  for (const o of [...outputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const entry: { sensitive: boolean; action: string; type?: unknown; value?: JsonValue } = {
      sensitive: o.sensitive,
      action: o.action === 'no-op' ? 'noop' : o.action,
    };
    if (!o.sensitive && o.after !== null && !containsUnknown(o.after)) {
      entry.value = jsonValue(o.after);
      entry.type = typeOf(entry.value);
    }
    out[o.name] = entry;
  }
  return out;
}
