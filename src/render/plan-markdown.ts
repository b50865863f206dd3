/**
 * The plan as GitHub-flavoured Markdown, for a pull-request comment or $GITHUB_STEP_SUMMARY:
 * a heading with the counts, the destroys and replacements called out in a caution block, a
 * table of changes grouped by action (destroys first, then replacements, forgets, updates,
 * creates, reads, moves and imports) with their changed attributes, the
 * replacements and why, the drift, policy results when given, output changes, the migrations
 * and nodes `node: auto` chose, the capacity table, warnings, and
 * one collapsible `<details>` block per resource with its diff (open when the whole plan is
 * short). Values come only through the human renderer or `formatInline`, so sensitive values
 * are masked exactly as in the terminal. Deterministic: no clock, sorted output.
 */
import { formatLocation } from '../core/diagnostic.js';
import { compareStrings, pathToString, type Path } from '../core/value.js';
import type { Action, OutputChange, Plan, ResourceChange } from '../plan/plan-types.js';
import { summarizeChanges } from '../plan/plan-summary.js';
import { changedPaths } from './changed-paths.js';
import { driftPhrase, isReplace, plannedHeader, reasonText, summaryCounts, visibleChanges } from './change-labels.js';
import { formatInline } from './format-value.js';
import { palette } from './palette.js';
import { SensitiveCursor } from './path-cursor.js';
import { renderResourceChange, type ChangeKind } from './resource-change-human.js';
import { checksTable } from './check-results-markdown.js';
import { placementChangesList, placementTable } from './placement-markdown.js';

export interface PolicyResult {
  rule: string;
  resource?: string;
  passed: boolean;
  message: string;
  /** A failed rule of severity warning is shown as a warning, not a failure (default error). */
  severity?: 'error' | 'warning';
}

export interface RenderPlanMarkdownOptions {
  policyResults?: PolicyResult[];
  /**
   * Longest output wanted, in characters (default 60,000: GitHub refuses comments over
   * 65,536). Per-resource diffs that do not fit are left out, and the text says how many.
   */
  maxLength?: number;
}

const DEFAULT_MAX_LENGTH = 60_000;

/** Diffs of a plan up to this many lines in all are shown expanded. */
const SHORT_PLAN_LINES = 40;
/** Changed attributes listed per row of the table before "+N more". */
const MAX_ATTRIBUTES_IN_TABLE = 6;
/** Longest value shown inline in the outputs table. */
const MAX_INLINE_VALUE = 80;

const ACTION_LABEL: Record<Action, string> = {
  create: '➕ create',
  update: '✏️ update',
  'delete-create': '♻️ replace',
  'create-delete': '♻️ replace',
  delete: '🗑️ destroy',
  read: '📖 read',
  'no-op': 'no-op',
  forget: '🧹 forget',
};

/** The order of the groups of the changes table: what loses something first. */
const ACTION_ORDER: Record<Action, number> = {
  delete: 0,
  'delete-create': 1,
  'create-delete': 1,
  forget: 2,
  update: 3,
  create: 4,
  read: 5,
  'no-op': 6,
};

const OUTPUT_LABEL: Record<OutputChange['action'], string> = {
  create: '➕ create',
  update: '✏️ update',
  delete: '🗑️ destroy',
  'no-op': 'no-op',
};

export function renderPlanMarkdown(plan: Plan, opts: RenderPlanMarkdownOptions = {}): string {
  const changes = visibleChanges(plan.changes, plan.deposed);
  const drift = [...plan.drift].sort((a, b) => compareStrings(a.address, b.address));
  const outputs = plan.outputChanges.filter((o) => o.action !== 'no-op').sort((a, b) => compareStrings(a.name, b.name));
  const blocks: string[] = [heading(plan, changes, drift, outputs)];

  const losing = changes.filter((c) => c.action === 'delete' || isReplace(c.action));
  if (losing.length > 0) blocks.push(caution(losing));
  if (changes.length > 0) blocks.push(changesTable(changes));
  const replaced = byGroup(changes.filter((c) => isReplace(c.action)));
  if (replaced.length > 0) blocks.push(replacements(replaced));
  if (drift.length > 0) blocks.push(driftTable(drift));
  if (opts.policyResults && opts.policyResults.length > 0) blocks.push(policyTable(opts.policyResults));
  if (outputs.length > 0) blocks.push(outputsTable(outputs));
  const placed = placementChangesList(changes, { code, escape: escapeInline });
  if (placed) blocks.push(placed);
  if (plan.placement) blocks.push(placementTable(plan.placement, { code, escape: escapeInline }));
  const checks = checksTable(plan.checks ?? [], { code, escape: escapeInline });
  if (checks) blocks.push(checks);
  if (plan.diagnostics.length > 0) blocks.push(diagnosticsBlock(plan));
  if (changes.length > 0 || drift.length > 0) {
    const used = blocks.reduce((n, b) => n + b.length + 2, 1);
    blocks.push(details(changes, drift, (opts.maxLength ?? DEFAULT_MAX_LENGTH) - used));
  }
  return blocks.join('\n\n') + '\n';
}

function heading(plan: Plan, changes: ResourceChange[], drift: ResourceChange[], outputs: OutputChange[]): string {
  const lines: string[] = [];
  if (changes.length === 0) {
    lines.push('### No changes');
    if (plan.mode === 'refresh-only' && drift.length > 0) {
      lines.push(
        '',
        'This is a refresh-only plan: applying it records the changes made outside hl in state, without changing any real infrastructure.',
      );
    } else if (outputs.length > 0) {
      lines.push('', 'No resource changes; applying this plan saves the new output values in state.');
    } else {
      lines.push('', 'Your infrastructure matches the configuration.');
      if (drift.length > 0) lines.push('The changes made outside of hl will be recorded in state on apply.');
    }
    return lines.join('\n');
  }
  const s = summarizeChanges(changes);
  lines.push(`### Plan: ${summaryCounts(s, true)}`);
  if (drift.length > 0)
    lines.push(
      '',
      `⚠️ ${drift.length} ${drift.length === 1 ? 'resource has' : 'resources have'} changed outside of hl since the last apply.`,
    );
  return lines.join('\n');
}

/** GitHub's caution alert naming every destroy and replacement, destroys first. */
function caution(losing: ResourceChange[]): string {
  const destroys = losing.filter((c) => c.action === 'delete').length;
  const replaces = losing.length - destroys;
  const what = [
    destroys > 0 ? `destroys ${destroys} ${destroys === 1 ? 'resource' : 'resources'}` : '',
    replaces > 0 ? `replaces ${replaces} ${replaces === 1 ? 'resource' : 'resources'}` : '',
  ].filter((x) => x !== '');
  const lines = ['> [!CAUTION]', `> This plan ${what.join(' and ')}:`];
  for (const c of byGroup(losing)) {
    const how =
      c.action === 'delete' ? 'destroyed' : `replaced (${c.action === 'create-delete' ? 'create before destroy' : 'delete then create'})`;
    lines.push(`> - ${ACTION_LABEL[c.action].split(' ')[0]} ${code(c.address)} is ${how}`);
  }
  return lines.join('\n');
}

/** Changes in the order of their groups (ACTION_ORDER), by address within a group. */
function byGroup(changes: readonly ResourceChange[]): ResourceChange[] {
  return [...changes].sort((a, b) => ACTION_ORDER[a.action] - ACTION_ORDER[b.action] || compareStrings(a.address, b.address));
}

function changesTable(changes: ResourceChange[]): string {
  const rows = ['| Action | Resource | Changed attributes |', '| --- | --- | --- |'];
  for (const c of byGroup(changes)) rows.push(`| ${actionLabel(c)} | ${resourceCell(c)} | ${attributesCell(c)} |`);
  return rows.join('\n');
}

/** The action, with the import or move that comes with it (a move or an import alone is just that). */
function actionLabel(c: ResourceChange): string {
  const extra = [...(c.importing ? ['📥 import'] : []), ...(c.previousAddress !== undefined ? ['🚚 move'] : [])];
  if (c.action === 'no-op' && extra.length > 0) return extra.join(' + ');
  return [...extra, ACTION_LABEL[c.action]].join(' + ');
}

function resourceCell(c: ResourceChange): string {
  if (c.previousAddress !== undefined) return `${code(c.address)} (from ${code(c.previousAddress)})`;
  if (c.importing) return `${code(c.address)} (id ${code(c.importing.id)})`;
  return code(c.address);
}

function attributesCell(c: ResourceChange): string {
  if (c.before === null || c.after === null || c.action === 'create' || c.action === 'delete' || c.action === 'read') return '—';
  const paths = changedPaths(c.before, c.after);
  if (paths.length === 0) return '—';
  const shown = paths.slice(0, MAX_ATTRIBUTES_IN_TABLE).map((p) => code(pathLabel(p)));
  if (paths.length > MAX_ATTRIBUTES_IN_TABLE) shown.push(`+${paths.length - MAX_ATTRIBUTES_IN_TABLE} more`);
  return shown.join(', ');
}

function replacements(changes: ResourceChange[]): string {
  const lines = ['#### Replacements', ''];
  for (const c of changes) {
    const how = c.action === 'create-delete' ? 'create before destroy' : 'delete then create';
    const why: string[] = [];
    const reason = reasonText(c);
    if (reason !== undefined) why.push(reason);
    for (const r of c.replacePaths) why.push(`${code(pathLabel(r.path))} forces replacement: ${escapeInline(r.reason)}`);
    lines.push(`- ${code(c.address)} (${how})${why.length > 0 ? `: ${why.join('; ')}` : ''}`);
  }
  return lines.join('\n');
}

function driftTable(drift: ResourceChange[]): string {
  const rows = ['#### Changed outside of hl', '', '| Resource | Change | Attributes |', '| --- | --- | --- |'];
  for (const c of drift) {
    const what = c.action === 'delete' ? '🗑️ deleted' : '⚠️ changed';
    const attrs = c.action === 'delete' ? '—' : attributesCell({ ...c, action: 'update' });
    rows.push(`| ${code(c.address)} | ${what} | ${attrs} |`);
  }
  return rows.join('\n');
}

/**
 * Failed rules of severity error (❌ fail), then those of severity warning (⚠️ warning: they do
 * not block the plan), then the passed ones. A message of several lines shows its first line
 * in the table and, below it, whole as written in a quote.
 */
function policyTable(results: PolicyResult[]): string {
  const failed = results.filter((r) => !r.passed && r.severity !== 'warning');
  const warned = results.filter((r) => !r.passed && r.severity === 'warning');
  const passed = results.filter((r) => r.passed);
  const counts = [
    failed.length > 0 ? `${failed.length} failed` : '',
    warned.length > 0 ? `${warned.length} ${warned.length === 1 ? 'warning' : 'warnings'}` : '',
    `${passed.length} passed`,
  ].filter((x) => x !== '');
  const title =
    failed.length > 0
      ? `#### ❌ Policy: ${counts.join(', ')}`
      : warned.length > 0
        ? `#### ⚠️ Policy: ${counts.join(', ')}`
        : `#### ✅ Policy: all ${passed.length} passed`;
  const rows = [title, '', '| Result | Rule | Resource | Message |', '| --- | --- | --- | --- |'];
  const long: string[] = [];
  for (const r of [...failed, ...warned, ...passed]) {
    const label = r.passed ? '✅ pass' : r.severity === 'warning' ? '⚠️ warning' : '❌ fail';
    const [first = '', ...rest] = r.message.split(/\r?\n/);
    rows.push(
      `| ${label} | ${code(r.rule)} | ${r.resource ? code(r.resource) : '—'} | ${escapeInline(first)}${rest.length > 0 ? ' (below)' : ''} |`,
    );
    if (rest.length > 0) {
      const kind = r.passed ? 'Passed' : r.severity === 'warning' ? 'Warning' : 'Failed';
      long.push(
        '',
        `> **${kind}:** ${code(r.rule)}${r.resource ? ` on ${code(r.resource)}` : ''}`,
        '>',
        ...[first, ...rest].map((l) => (l === '' ? '>' : `> ${l}`)),
      );
    }
  }
  return [...rows, ...long].join('\n');
}

function outputsTable(outputs: OutputChange[]): string {
  const rows = ['#### Output changes', '', '| Action | Output | Value |', '| --- | --- | --- |'];
  for (const o of outputs) {
    const sens = o.sensitive ? SensitiveCursor.ALL : SensitiveCursor.NONE;
    const value =
      o.action === 'create'
        ? code(shorten(formatInline(o.after, sens)))
        : o.action === 'delete'
          ? `${code(shorten(formatInline(o.before, sens)))} → ${code('null')}`
          : `${code(shorten(formatInline(o.before, sens)))} → ${code(shorten(formatInline(o.after, sens)))}`;
    rows.push(`| ${OUTPUT_LABEL[o.action]} | ${code(o.name)} | ${value} |`);
  }
  return rows.join('\n');
}

function diagnosticsBlock(plan: Plan): string {
  const hasError = plan.diagnostics.some((d) => d.severity === 'error');
  const lines = [hasError ? '#### Problems' : '#### Warnings'];
  for (const d of plan.diagnostics) {
    // A summary of several lines (advice with lines to paste) stays whole and inside the quote;
    // its indented lines render as code.
    const [first = '', ...rest] = d.summary.split(/\r?\n/);
    lines.push('', `> **${d.severity === 'error' ? 'Error' : 'Warning'}:** ${escapeInline(first)}`);
    if (rest.length > 0) lines.push('>', ...rest.map((l) => (l === '' ? '>' : `> ${l}`)));
    if (d.location) lines.push('>', `> on ${code(formatLocation(d.location))}`);
    if (d.detail) for (const l of ['', ...d.detail.split('\n')]) lines.push(l === '' ? '>' : `> ${l}`);
  }
  return lines.join('\n');
}

/** One `<details>` block per resource, as many as fit in `budget` characters. */
function details(changes: ResourceChange[], drift: ResourceChange[], budget: number): string {
  const p = palette(false);
  const entries: { kind: ChangeKind; change: ResourceChange; lines: string[] }[] = [];
  for (const c of drift) entries.push({ kind: 'drift', change: c, lines: renderResourceChange(c, p, 'drift', true) });
  for (const c of byGroup(changes)) entries.push({ kind: 'planned', change: c, lines: renderResourceChange(c, p, 'planned', true) });
  const total = entries.reduce((n, e) => n + e.lines.length, 0);
  const open = total <= SHORT_PLAN_LINES ? ' open' : '';
  const out = ['#### Details'];
  // Room kept for the closing note about diffs left out.
  let room = budget - out[0]!.length - 200;
  let left = 0;
  for (const { kind, change, lines } of entries) {
    const header =
      kind === 'drift' ? { subject: change.address, phrase: `${driftPhrase(change.action)} outside of hl` } : plannedHeader(change);
    const phrase = header.phrase;
    const label = kind === 'drift' ? (change.action === 'delete' ? '🗑️' : '⚠️') : actionLabel(change).split(' ')[0]!;
    const body = lines.slice(1);
    const fence = fenceFor(body);
    const block = [
      '',
      `<details${open}><summary>${label} <code>${escapeHtml(header.subject)}</code> ${escapeHtml(phrase)}</summary>`,
      '',
      `${fence}diff`,
      ...body,
      fence,
      '',
      '</details>',
    ];
    const size = block.reduce((n, l) => n + l.length + 1, 0);
    if (left > 0 || size > room) {
      left++;
      continue;
    }
    room -= size;
    for (const line of block) out.push(line);
  }
  if (left > 0) {
    out.push(
      '',
      `_${left} more ${left === 1 ? 'diff is' : 'diffs are'} left out to keep this summary short; \`hl show PLAN_FILE\` prints the whole plan._`,
    );
  }
  return out.join('\n');
}

function fenceFor(lines: string[]): string {
  let longest = 0;
  for (const l of lines) for (const run of l.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function pathLabel(path: Path): string {
  return path.length === 0 ? '(all)' : pathToString(path);
}

/** Inline code safe inside a table cell. */
function code(text: string): string {
  const cell = text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  return cell.includes('`') ? `\`\` ${cell} \`\`` : `\`${cell}\``;
}

function escapeInline(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function shorten(text: string): string {
  return text.length <= MAX_INLINE_VALUE ? text : `${text.slice(0, MAX_INLINE_VALUE - 1)}…`;
}
