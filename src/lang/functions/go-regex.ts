/**
 * Regular expressions as Terraform has them: Go's RE2 syntax and semantics, matched in
 * linear time by re2js (a port of RE2), so no pattern can backtrack catastrophically.
 * Patterns RE2 refuses (backreferences, lookaround) are user errors saying so. re2js is
 * loaded on the first pattern compiled, not at import time (it is most of the code the
 * language loads, and few configs use a regular expression).
 */
import type { Matcher, RE2JS } from 're2js';
import { lazyModule } from '../../core/lazy-module.js';
import { checkStringLength, type EvalBudget } from '../eval-limits.js';
import { fail } from '../function-types.js';

const re2js = lazyModule<typeof import('re2js')>('re2js');

const RE2_NOTE = 'regular expressions use RE2 syntax, as in Terraform: no backreferences (\\1) or lookaround ((?=, (?!, (?<=, (?<!)';

/** Compiles an RE2 pattern; a pattern RE2 refuses fails argument `argIndex`. */
export function compileRegex(pattern: string, argIndex: number): RE2JS {
  const { RE2JS, RE2JSException } = re2js();
  try {
    return RE2JS.compile(pattern);
  } catch (e) {
    if (e instanceof RE2JSException) {
      return fail(`invalid regular expression /${pattern}/: ${e.message.replace(/^error parsing regexp: /, '')}; ${RE2_NOTE}`, argIndex);
    }
    throw e;
  }
}

/**
 * Go's ReplaceAllString: every non-overlapping match (an empty match right after the
 * previous match is skipped, as Go does) replaced by the template with `$1`, `${1}`,
 * `$name`, `${name}` and `$$` expanded.
 */
export function replaceAllRegex(text: string, re: RE2JS, template: string, budget: EvalBudget): string {
  budget.spend(matchCost(text, re));
  const expansion = parseReplacement(template);
  const m = re.matcher(text);
  const parts: string[] = [];
  let length = 0;
  let copied = 0;
  let prevEnd = -1;
  while (m.find()) {
    const start = m.start();
    const end = m.end();
    if (start === end && start === prevEnd) continue;
    prevEnd = end;
    const piece = text.slice(copied, start) + expand(expansion, m);
    length += piece.length;
    checkStringLength(length);
    parts.push(piece);
    copied = end;
  }
  parts.push(text.slice(copied));
  checkStringLength(length + text.length - copied);
  return parts.join('');
}

/**
 * Evaluation steps for matching `re` over `text`: RE2 runs in time proportional to the text's
 * length times the program's size (about a tenth of a step per character and instruction).
 */
export function matchCost(text: string, re: RE2JS): number {
  return Math.ceil((text.length * re.programSize()) / 10);
}

/** A replacement template, parsed once: literal text and references to groups (0 = the match). */
type Expansion = (string | { group: number | string })[];

function expand(expansion: Expansion, m: Matcher): string {
  let out = '';
  for (const part of expansion) {
    if (typeof part === 'string') out += part;
    else if (typeof part.group === 'number') out += part.group <= m.groupCount() ? (m.group(part.group) ?? '') : '';
    else out += part.group in m.pattern().namedGroups() ? (m.group(part.group) ?? '') : '';
  }
  return out;
}

/** Parses a Go-style replacement template: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function parseReplacement(template: string): Expansion {
  const out: Expansion = [];
  let lit = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      lit += c;
      continue;
    }
    if (template[i + 1] === '$') {
      lit += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      if (close > 0) {
        name = template.slice(i + 2, close);
        i = close;
      }
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1, i + 257));
      if (m) {
        name = m[0];
        i += m[0].length;
      }
    }
    if (name === undefined) {
      lit += '$';
      continue;
    }
    if (lit !== '') out.push(lit);
    lit = '';
    out.push({ group: /^\d+$/.test(name) ? Number(name) : name });
  }
  if (lit !== '') out.push(lit);
  return out;
}
