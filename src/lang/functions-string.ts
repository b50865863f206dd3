/** String functions: join, split, case, trimming, replace, substr. */
import type { Value } from '../core/value.js';
import { stringElements } from './function-args.js';
import { fail, type FunctionDef } from './function-types.js';

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

/** Go RE2 syntax differs a little from JavaScript's: translate the common parts. */
function compileGoRegex(pattern: string, argIndex: number): RegExp {
  let source = pattern;
  let flags = 'gu';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1]!) if (f !== 'U' && !flags.includes(f)) flags += f;
  }
  source = source.replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(source, flags);
  } catch (e) {
    return fail(`invalid regular expression /${pattern}/: ${(e as Error).message}`, argIndex);
  }
}

/** Expands a Go-style replacement template: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expandReplacement(
  template: string,
  match: string,
  groups: (string | undefined)[],
  named: Record<string, string | undefined> | undefined,
): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
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
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (m) {
        name = m[0];
        i += m[0].length;
      }
    }
    if (name === undefined) {
      out += '$';
      continue;
    }
    if (/^\d+$/.test(name)) {
      const n = Number(name);
      out += n === 0 ? match : (groups[n - 1] ?? '');
    } else out += named?.[name] ?? '';
  }
  return out;
}

function replace(text: string, search: string, replacement: string): string {
  if (search.length >= 2 && search.startsWith('/') && search.endsWith('/')) {
    const re = compileGoRegex(search.slice(1, -1), 1);
    return text.replace(re, (match: string, ...rest: unknown[]) => {
      const last = rest[rest.length - 1];
      const named = typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : undefined;
      const groupCount = rest.length - (named ? 3 : 2);
      return expandReplacement(replacement, match, rest.slice(0, groupCount) as (string | undefined)[], named);
    });
  }
  return text.split(search).join(replacement);
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
    body: (args) => {
      const parts: string[] = [];
      for (let i = 1; i < args.length; i++) for (const p of stringElements(args[i] as Value[], i)) parts.push(p);
      return parts.join(s(args, 0));
    },
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
    body: (args) => replace(s(args, 0), s(args, 1), s(args, 2)),
  },
  substr: {
    params: [str('string'), { name: 'offset', type: 'integer' }, { name: 'length', type: 'integer' }],
    body: (args) => substr(s(args, 0), args[1] as number, args[2] as number),
  },
};
