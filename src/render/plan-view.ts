/**
 * A plan on the terminal for people (the plan, then its "Policy checks" section), secrets
 * masked (`--json` is render/json-ui-lines.ts); and a saved plan for `hl show FILE` (human,
 * JSON or Markdown).
 */
import type { Redactor } from '../core/redact.js';
import type { ConfigTree } from '../config/config-tree.js';
import type { Plan } from '../plan/plan-types.js';
import { renderPlanHuman } from './plan-human.js';
import { planToShowJson } from './plan-json.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { renderPolicyResultsHuman } from './policy-results-human.js';
import type { TextOutput } from './text-output.js';

export function printPlan(term: TextOutput, plan: Plan, opts: { redact: Redactor }): void {
  const results = plan.policyResults;
  term.out(opts.redact(renderPlanHuman(plan, { color: term.color })));
  if (results) term.out('\n' + opts.redact(renderPolicyResultsHuman(results, { color: term.color })));
}

/** A saved plan as `hl show FILE` prints it (what it holds is already masked). */
export function printSavedPlan(
  term: TextOutput,
  plan: Plan,
  opts: { format: 'json' | 'markdown' | 'human'; hlVersion: string; config?: ConfigTree },
): void {
  if (opts.format === 'json')
    term.out(JSON.stringify(planToShowJson(plan, opts.hlVersion, opts.config ? { config: opts.config } : {})) + '\n');
  else if (opts.format === 'markdown') term.out(renderPlanMarkdown(plan, plan.policyResults ? { policyResults: plan.policyResults } : {}));
  else term.out(renderPlanHuman(plan, { color: term.color }));
}
