/** String functions: join, split, case, trimming, replace, substr. */
import type { Value } from '../../core/value.js';
import { budgetOf, checkStringLength, type EvalBudget } from '../eval-limits.js';
import { stringElements } from './args.js';
import { fail, type FunctionDef } from '../function-types.js';
import { compileRegex, replaceAllRegex } from './go-regex.js';

const str = (name: string) => ({ name, type: 'string' as const });

function s(args: Value[], i: number): string {
  return args[i] as string;
}

/** Go's strings.Title: upper-case the first letter of each word. */
function title(text: string): string {
  let out = '';
  let prevIsLetter = false;
  for (const ch of text) {
    const letterLike = /[\p{L}\p{N}_]/u.test(ch);
    out += !prevIsLetter && letterLike ? ch.toUpperCase() : ch;
    prevIsLetter = letterLike;
  }
  return out;
}

function trimSet(text: string, cutset: string): string {
  const cut = new Set(Array.from(cutset));
  const chars = Array.from(text);
  let a = 0;
  let b = chars.length;
  while (a < b && cut.has(chars[a]!)) a++;
  while (b > a && cut.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

/** Terraform's replace: a search string wrapped in slashes is an RE2 regular expression. */
function replace(text: string, search: string, replacement: string, budget: EvalBudget): string {
  if (search.length >= 2 && search.startsWith('/') && search.endsWith('/')) {
    return replaceAllRegex(text, compileRegex(search.slice(1, -1), 1), replacement, budget);
  }
  const pieces = text.split(search);
  checkStringLength(text.length + (pieces.length - 1) * (replacement.length - search.length));
  return pieces.join(replacement);
}

/** join's result, its length checked before it is built. */
function join(separator: string, lists: Value[][]): string {
  const parts: string[] = [];
  let length = 0;
  lists.forEach((list, i) => {
    for (const p of stringElements(list, i + 1)) {
      length += p.length + (parts.length > 0 ? separator.length : 0);
      checkStringLength(length);
      parts.push(p);
    }
  });
  return parts.join(separator);
}

function substr(text: string, offset: number, length: number): string {
  const chars = Array.from(text);
  let start = offset < 0 ? chars.length + offset : offset;
  if (start < 0) start = 0;
  if (start > chars.length) fail(`offset ${offset} is beyond the end of a string of ${chars.length} characters`, 1);
  const end = length < 0 ? chars.length : Math.min(chars.length, start + length);
  return chars.slice(start, end).join('');
}

export const STRING_FUNCTIONS: Record<string, FunctionDef> = {
  join: {
    params: [str('separator'), { name: 'list', type: 'list' }],
    variadic: { name: 'lists', type: 'list' },
    body: (args) => join(s(args, 0), args.slice(1) as Value[][]),
  },
  split: {
    params: [str('separator'), str('string')],
    body: (args) => s(args, 1).split(s(args, 0)),
  },
  lower: { params: [str('string')], body: (args) => s(args, 0).toLowerCase() },
  upper: { params: [str('string')], body: (args) => s(args, 0).toUpperCase() },
  title: { params: [str('string')], body: (args) => title(s(args, 0)) },
  trimspace: { params: [str('string')], body: (args) => s(args, 0).trim() },
  chomp: { params: [str('string')], body: (args) => s(args, 0).replace(/(?:\r\n|\n|\r)+$/, '') },
  strrev: { params: [str('string')], body: (args) => Array.from(s(args, 0)).reverse().join('') },
  trim: { params: [str('string'), str('cutset')], body: (args) => trimSet(s(args, 0), s(args, 1)) },
  trimprefix: {
    params: [str('string'), str('prefix')],
    body: (args) => (s(args, 0).startsWith(s(args, 1)) ? s(args, 0).slice(s(args, 1).length) : s(args, 0)),
  },
  trimsuffix: {
    params: [str('string'), str('suffix')],
    body: (args) => {
      const [text, suffix] = [s(args, 0), s(args, 1)];
      return suffix !== '' && text.endsWith(suffix) ? text.slice(0, text.length - suffix.length) : text;
    },
  },
  startswith: { params: [str('string'), str('prefix')], body: (args) => s(args, 0).startsWith(s(args, 1)) },
  endswith: { params: [str('string'), str('suffix')], body: (args) => s(args, 0).endsWith(s(args, 1)) },
  strcontains: { params: [str('string'), str('substring')], body: (args) => s(args, 0).includes(s(args, 1)) },
  replace: {
    params: [str('string'), str('search'), str('replacement')],
    body: (args, call) => replace(s(args, 0), s(args, 1), s(args, 2), budgetOf(call.ctx)),
  },
  substr: {
    params: [str('string'), { name: 'offset', type: 'integer' }, { name: 'length', type: 'integer' }],
    body: (args) => substr(s(args, 0), args[1] as number, args[2] as number),
  },
};
