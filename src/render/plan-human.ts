/**
 * The plan for a terminal, Terraform-like but tighter:
 *
 *   Objects have changed outside of hl since the last apply:      (drift, if any)
 *   hl will perform the following actions:                        (each change ≠ no-op)
 *   Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy.
 *   Changes to Outputs:
 *   Placement: ...                                                (the capacity table, when the cluster was read)
 *   Checks:                                                       (check blocks, conditions left for apply)
 *   Warning: ...                                                  (the plan's diagnostics)
 *
 * Replacements are counted on their own, not as an add plus a destroy as Terraform does.
 * Only changes other than no-op are looked at beyond a type check, so a 10,000-resource plan
 * with nothing to do renders at once. With `color: false` the text holds no ANSI code.
 */
import { compareStrings } from '../core/value.js';
import type { OutputChange, Plan } from '../plan/plan-types.js';
import { summarizeChanges } from '../plan/plan-summary.js';
import { attributeHead, AttributeDiffWriter } from './attribute-diff-writer.js';
import { summaryCounts, visibleChanges } from './change-labels.js';
import { renderDiagnostics } from './diagnostic-human.js';
import { formatKeyLabel } from './format-value.js';
import { palette, type Palette } from './palette.js';
import { ReplaceCursor, SensitiveCursor } from './path-cursor.js';
import { renderResourceChange } from './resource-change-human.js';
import { checkResultLines } from './check-results-human.js';
import { renderPlacementHuman } from './placement-human.js';

export interface RenderPlanHumanOptions {
  color: boolean;
}

export const NO_CHANGES = 'No changes. Your infrastructure matches the configuration.';

export function renderPlanHuman(plan: Plan, opts: RenderPlanHumanOptions): string {
  const p = palette(opts.color);
  const out: string[] = [];
  const section = (lines: string[]): void => {
    if (out.length > 0) out.push('');
    for (const line of lines) out.push(line);
  };

  if (plan.drift.length > 0) {
    const lines = [p.bold('Objects have changed outside of hl since the last apply:')];
    for (const c of [...plan.drift].sort((a, b) => compareStrings(a.address, b.address)))
      lines.push('', ...renderResourceChange(c, p, 'drift'));
    section(lines);
  }

  const changes = visibleChanges(plan.changes, plan.deposed);
  const outputs = plan.outputChanges.filter((o) => o.action !== 'no-op').sort((a, b) => compareStrings(a.name, b.name));
  if (changes.length > 0) {
    const lines = ['hl will perform the following actions:'];
    for (const c of changes) lines.push('', ...renderResourceChange(c, p, 'planned'));
    section(lines);
    const s = summarizeChanges(changes);
    section([`${p.bold('Plan:')} ${summaryCounts(s)}.`]);
  }
  if (outputs.length > 0) section(['Changes to Outputs:', ...renderOutputChanges(outputs, p)]);
  if (plan.placement) section(renderPlacementHuman(plan.placement, p));

  if (changes.length === 0) {
    const lines: string[] = [];
    if (plan.mode === 'refresh-only') {
      lines.push(
        plan.drift.length > 0
          ? 'This is a refresh-only plan: hl will not change any real infrastructure. Apply it to record the changes above in state.'
          : 'No changes. Your infrastructure still matches the state.',
      );
    } else if (outputs.length > 0) {
      lines.push('You can apply this plan to save the new output values in state, without changing any real infrastructure.');
    } else {
      lines.push(p.bold(p.green(NO_CHANGES)));
    }
    if (plan.mode !== 'refresh-only' && plan.drift.length > 0) {
      lines.push('', 'The changes made outside of hl shown above will be recorded in state on apply.');
    }
    section(lines);
  }

  const checks = checkResultLines(plan.checks ?? [], p, 'plan');
  if (checks.length > 0) section(checks);

  if (plan.diagnostics.length > 0) {
    const sources = new Map<string, string>();
    for (const f of plan.configuration?.files ?? []) sources.set(f.path, f.text);
    section([renderDiagnostics(plan.diagnostics, { color: opts.color, sources }).trimEnd()]);
  }
  return out.join('\n') + '\n';
}

/** `Changes to Outputs:` entries: `+ name = value`, `~ name = old -> new`, `- name = old -> null`. */
export function renderOutputChanges(outputs: readonly OutputChange[], p: Palette): string[] {
  const w = new AttributeDiffWriter(p);
  const width = Math.max(0, ...outputs.map((o) => formatKeyLabel(o.name).length));
  for (const o of outputs) {
    const sens = o.sensitive ? SensitiveCursor.ALL : SensitiveCursor.NONE;
    const before = o.action === 'create' ? null : o.before;
    const after = o.action === 'delete' ? null : o.after;
    const head = attributeHead(formatKeyLabel(o.name), width);
    if (before === null && after === null) continue;
    w.slot(0, head, before, after, sens, sens, ReplaceCursor.NONE);
  }
  return w.lines;
}
