/**
 * format and formatlist: Go/HCL-style verbs. Supported: %% %v %#v %s %q %d %t %b %o %x %X
 * %e %E %f %g %G, flags `-+ 0#`, width, `.precision`, and explicit argument indexes `%[2]s`.
 * Widths and precisions are at most MAX_FORMAT_WIDTH (floating-point precisions at most
 * FLOAT_PRECISION_LIMIT), and results are bounded like every string.
 */

/** The most digits JavaScript gives after the point of a floating-point number. */
const FLOAT_PRECISION_LIMIT = 100;
import type { Value } from '../../core/value.js';
import { checkStringLength, grouped, LimitExceeded, MAX_FORMAT_WIDTH, MAX_VALUE_TEXT, mib } from '../eval-limits.js';
import { fail, type FunctionDef } from '../function-types.js';
import { describeType, numberToString, primitiveToString, toJson } from '../value-text.js';

interface Verb {
  flags: string;
  width: number | undefined;
  precision: number | undefined;
  verb: string;
  /** 0-based argument index this verb consumes. */
  arg: number;
  at: number;
}

type Piece = string | Verb;

/** Splits a format string into literal text and verbs; `fmtArg` is the argument index of the format. */
function parseSpec(spec: string, fmtArg: number): Piece[] {
  const pieces: Piece[] = [];
  let lit = '';
  let next = 0;
  let i = 0;
  while (i < spec.length) {
    const c = spec[i]!;
    if (c !== '%') {
      lit += c;
      i++;
      continue;
    }
    const at = i;
    i++;
    if (spec[i] === '%') {
      lit += '%';
      i++;
      continue;
    }
    let flags = '';
    while (i < spec.length && '-+ 0#'.includes(spec[i]!)) flags += spec[i++];
    let argIndex: number | undefined;
    const explicit = /^\[(\d+)\]/.exec(spec.slice(i));
    if (explicit) {
      argIndex = Number(explicit[1]) - 1;
      i += explicit[0].length;
    }
    let width: number | undefined;
    const w = /^\d+/.exec(spec.slice(i));
    if (w) {
      width = Number(w[0]);
      i += w[0].length;
    }
    let precision: number | undefined;
    if (spec[i] === '.') {
      i++;
      const p = /^\d*/.exec(spec.slice(i))![0];
      precision = p === '' ? 0 : Number(p);
      i += p.length;
    }
    const verb = spec[i];
    if (verb === undefined) fail(`format string ends with an incomplete verb at offset ${at}`, fmtArg);
    if (!'vsqdtboxXeEfgG'.includes(verb)) fail(`unrecognized format verb "%${verb}" at offset ${at}`, fmtArg);
    checkWidths(width, precision, verb, at, fmtArg);
    i++;
    if (lit) pieces.push(lit);
    lit = '';
    const arg = argIndex ?? next;
    next = arg + 1;
    pieces.push({ flags, width, precision, verb, arg, at });
  }
  if (lit) pieces.push(lit);
  return pieces;
}

function checkWidths(width: number | undefined, precision: number | undefined, verb: string, at: number, fmtArg: number): void {
  if (width !== undefined && width > MAX_FORMAT_WIDTH) {
    fail(`the width ${grouped(width)} of "%${verb}" at offset ${at} is more than the limit of ${grouped(MAX_FORMAT_WIDTH)}`, fmtArg);
  }
  const floating = 'eEfgG'.includes(verb);
  const most = floating ? FLOAT_PRECISION_LIMIT : MAX_FORMAT_WIDTH;
  if (precision !== undefined && precision > most) {
    fail(`the precision ${grouped(precision)} of "%${verb}" at offset ${at} is more than the limit of ${grouped(most)}`, fmtArg);
  }
}

function pad(text: string, v: Verb, numeric: boolean): string {
  if (v.width === undefined || text.length >= v.width) return text;
  const fill = v.width - Array.from(text).length;
  if (fill <= 0) return text;
  if (v.flags.includes('-')) return text + ' '.repeat(fill);
  if (numeric && v.flags.includes('0')) {
    const sign = /^[+-]/.test(text) ? text[0]! : '';
    return sign + '0'.repeat(fill) + text.slice(sign.length);
  }
  return ' '.repeat(fill) + text;
}

function signed(n: number, body: string, v: Verb): string {
  if (n < 0 || Object.is(n, -0)) return body.startsWith('-') ? body : `-${body}`;
  if (v.flags.includes('+')) return `+${body}`;
  if (v.flags.includes(' ')) return ` ${body}`;
  return body;
}

/** Go's %e: mantissa with `prec` digits, exponent with sign and at least two digits. */
function goExponent(n: number, prec: number, upper: boolean): string {
  const [mant, exp] = Math.abs(n).toExponential(prec).split('e') as [string, string];
  const sign = exp.startsWith('-') ? '-' : '+';
  const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
  const out = `${mant}e${sign}${digits}`;
  return upper ? out.toUpperCase() : out;
}

/** Go's %g: shortest digits; exponent form for exponents < -4 or >= the precision (6 when shortest). */
function goGeneral(n: number, prec: number | undefined, upper: boolean): string {
  const a = Math.abs(n);
  if (a === 0) return '0';
  let digits: string;
  let exp: number;
  if (prec === undefined) {
    const [m, e] = a.toExponential().split('e') as [string, string];
    digits = m.replace('.', '');
    exp = Number(e);
  } else {
    const p = Math.max(prec, 1);
    const [m, e] = a.toExponential(p - 1).split('e') as [string, string];
    digits = m.replace('.', '').replace(/0+$/, '') || '0';
    exp = Number(e);
  }
  const eprec = prec === undefined ? 6 : Math.max(prec, 1);
  if (exp < -4 || exp >= eprec) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const out = `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    return upper ? out.toUpperCase() : out;
  }
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return digits + '0'.repeat(exp + 1 - digits.length);
  return `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function asNumber(value: Value, v: Verb, argIndex: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return fail(`%${v.verb} at offset ${v.at} requires a number, got ${describeType(value)}`, argIndex);
}

function formatOne(value: Value, v: Verb, argIndex: number): string {
  switch (v.verb) {
    case 'v': {
      if (v.flags.includes('#')) return pad(toJson(value), v, false);
      const text = primitiveToString(value) ?? toJson(value);
      return pad(text, v, false);
    }
    case 's': {
      let text = primitiveToString(value);
      if (text === undefined) {
        const hint = value === null ? '' : '; use jsonencode() for collections';
        fail(`%s at offset ${v.at} cannot format a ${describeType(value)} value${hint}`, argIndex);
      }
      if (v.precision !== undefined) text = Array.from(text).slice(0, v.precision).join('');
      return pad(text, v, false);
    }
    case 'q': {
      const text = primitiveToString(value);
      if (text === undefined) fail(`%q at offset ${v.at} requires a string, got ${describeType(value)}`, argIndex);
      return pad(JSON.stringify(text), v, false);
    }
    case 't': {
      let b = value;
      if (b === 'true' || b === 'false') b = b === 'true';
      if (typeof b !== 'boolean') fail(`%t at offset ${v.at} requires a bool, got ${describeType(value)}`, argIndex);
      return pad(b ? 'true' : 'false', v, false);
    }
    case 'd':
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      const n = asNumber(value, v, argIndex);
      if (!Number.isInteger(n)) fail(`%${v.verb} at offset ${v.at} requires a whole number, got ${numberToString(n)}`, argIndex);
      const radix = v.verb === 'd' ? 10 : v.verb === 'b' ? 2 : v.verb === 'o' ? 8 : 16;
      let body = Math.abs(n).toString(radix);
      if (v.verb === 'X') body = body.toUpperCase();
      if (v.precision !== undefined) body = body.padStart(v.precision, '0');
      if (v.flags.includes('#')) body = (v.verb === 'o' ? '0' : v.verb === 'b' ? '0b' : v.verb === 'd' ? '' : '0x') + body;
      return pad(signed(n, body, v), v, true);
    }
    case 'e':
    case 'E': {
      const n = asNumber(value, v, argIndex);
      return pad(signed(n, goExponent(n, v.precision ?? 6, v.verb === 'E'), v), v, true);
    }
    case 'f': {
      const n = asNumber(value, v, argIndex);
      return pad(signed(n, Math.abs(n).toFixed(v.precision ?? 6), v), v, true);
    }
    default: {
      const n = asNumber(value, v, argIndex);
      return pad(signed(n, goGeneral(n, v.precision, v.verb === 'G'), v), v, true);
    }
  }
}

function render(pieces: Piece[], values: readonly Value[], argOffset: number): string {
  let out = '';
  for (const p of pieces) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    if (p.arg >= values.length) {
      fail(
        `not enough arguments for "%${p.verb}" at offset ${p.at}: it needs argument ${p.arg + 2}, but only ${values.length + 1} were given`,
      );
    }
    const piece = formatOne(values[p.arg]!, p, p.arg + argOffset);
    checkStringLength(out.length + piece.length);
    out += piece;
  }
  return out;
}

function checkAllUsed(pieces: Piece[], count: number): void {
  const used = new Set<number>();
  for (const p of pieces) if (typeof p !== 'string') used.add(p.arg);
  if (used.size < count) {
    for (let i = 0; i < count; i++) {
      if (!used.has(i)) fail(`too many arguments: the format string uses ${used.size} of ${count}`, i + 1);
    }
  }
}

export const FORMAT_FUNCTIONS: Record<string, FunctionDef> = {
  format: {
    params: [{ name: 'format', type: 'string' }],
    variadic: { name: 'args', type: 'any' },
    body: (args) => {
      const pieces = parseSpec(args[0] as string, 0);
      const values = args.slice(1);
      checkAllUsed(pieces, values.length);
      return render(pieces, values, 1);
    },
  },
  formatlist: {
    params: [{ name: 'format', type: 'string' }],
    variadic: { name: 'args', type: 'any' },
    body: (args) => {
      const pieces = parseSpec(args[0] as string, 0);
      const values = args.slice(1);
      checkAllUsed(pieces, values.length);
      let length: number | undefined;
      values.forEach((v, i) => {
        if (!Array.isArray(v)) return;
        if (length !== undefined && v.length !== length) {
          fail(`all list arguments must have the same length; argument ${i + 2} has ${v.length} elements, an earlier one ${length}`, i + 1);
        }
        length = v.length;
      });
      const n = length ?? 1;
      const out: Value[] = [];
      let total = 0;
      for (let row = 0; row < n; row++) {
        const rowValues = values.map((v) => (Array.isArray(v) ? v[row]! : v));
        const line = render(pieces, rowValues, 1);
        total += line.length;
        if (total > MAX_VALUE_TEXT)
          throw new LimitExceeded(`formatlist's results would hold more than ${mib(MAX_VALUE_TEXT)} of text, the limit`);
        out.push(line);
      }
      return out;
    },
  },
};
