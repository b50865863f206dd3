/**
 * Writes the attribute-level difference between two values as Terraform-style lines, but
 * tighter: only what changed is shown. Nested maps become nested blocks holding only their
 * changed keys, with the unchanged ones counted (`# (3 unchanged attributes hidden)`); lists
 * are diffed element by element; multi-line strings become a heredoc line diff (`diffLines`)
 * folded to a few lines of context; unknowns read `(known after apply)`; anything sensitive,
 * or a REDACTED placeholder from a saved plan, reads `(sensitive value)` and is never
 * formatted; an attribute forcing a replacement carries `# forces replacement: <reason>`, and
 * one the provider moves in place says how after its change (`(online migration, ...)`).
 *
 * Layout: a line at depth d starts with 4·d spaces and a 3-column right-aligned sign
 * (`  +`, `  ~`, `-/+`, ` <=`), so depth 0 is the resource line and depth 1 its attributes.
 */
import { diffArrays, diffLines } from 'diff';
import { isUnknown, isValueMap, valueEquals, type Value, type ValueMap } from '../core/value.js';
import { isRedacted } from '../plan/plan-codec.js';
import {
  formatInline,
  formatKeyLabel,
  isComposite,
  isMultilineString,
  KNOWN_AFTER_APPLY,
  SENSITIVE_VALUE,
  sortedKeys,
} from './format-value.js';
import type { Palette } from './palette.js';
import { ReplaceCursor, type SensitiveCursor } from './path-cursor.js';

export type Sign = '+' | '-' | '~' | ' ' | '<=' | '-/+' | '+/-' | '.';

/** How a slot is introduced: `name = ` for an attribute, nothing (and a trailing comma) for a list element. */
export interface SlotHead {
  prefix: string;
  comma: string;
}

const ELEMENT: SlotHead = { prefix: '', comma: ',' };

/** Unchanged lines of a multi-line string kept around each changed line. */
const HEREDOC_CONTEXT = 2;

export function attributeHead(label: string, width: number): SlotHead {
  return { prefix: `${label.padEnd(width)} = `, comma: '' };
}

/**
 * Deep equality as the renderers see it: a REDACTED placeholder equals only another one (a
 * saved plan holds nothing to tell them apart), and never a map, which it would otherwise
 * pass for.
 */
export function sameWhenRendered(b: Value | undefined, a: Value | undefined): boolean {
  if (b === a) return true;
  if (b === undefined || a === undefined || isRedacted(b) || isRedacted(a)) return false;
  if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length && b.every((x, i) => sameWhenRendered(x, a[i]));
  if (isValueMap(b) && isValueMap(a)) {
    const keys = Object.keys(b);
    if (keys.length !== Object.keys(a).length) return false;
    return keys.every((k) => Object.hasOwn(a, k) && sameWhenRendered(b[k], a[k]));
  }
  return valueEquals(b, a);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export class AttributeDiffWriter {
  readonly lines: string[] = [];

  /**
   * @param diffStyle put single-character signs in the first column (for a Markdown ```diff
   *   block, whose highlighting looks there); the text stays where it was.
   */
  constructor(
    private readonly paint: Palette,
    private readonly diffStyle = false,
  ) {}

  sign(sign: Sign): string {
    const p = this.paint;
    switch (sign) {
      case '+':
        return `  ${p.green('+')}`;
      case '-':
        return `  ${p.red('-')}`;
      case '~':
        return `  ${p.yellow('~')}`;
      case '<=':
        return ` ${p.cyan('<=')}`;
      case '-/+':
        return `${p.red('-')}/${p.green('+')}`;
      case '+/-':
        return `${p.green('+')}/${p.red('-')}`;
      case '.':
        return `  ${p.magenta('.')}`;
      case ' ':
        return '   ';
    }
  }

  line(depth: number, sign: Sign, text: string): void {
    const out =
      this.diffStyle && (sign === '+' || sign === '-' || sign === '~')
        ? `${sign}${' '.repeat(4 * depth + 2)} ${text}`
        : `${' '.repeat(4 * depth)}${this.sign(sign)} ${text}`;
    this.lines.push(text === '' ? out.trimEnd() : out);
  }

  /** A closing line (`}`, `]`, `EOT`) for a block opened at `depth`. */
  close(depth: number, text: string): void {
    this.lines.push(`${' '.repeat(4 * depth + 4)}${text}`);
  }

  comment(depth: number, text: string): void {
    this.line(depth, ' ', `# ${text}`);
  }

  private forces(rp: ReplaceCursor): string {
    const reason = rp.take();
    return reason === undefined ? '' : ` ${this.paint.red(`# forces replacement: ${reason}`)}`;
  }

  /**
   * The entries of a map that differ between `before` and `after` (either may be null: a
   * create shows every non-null entry of `after`), each at `depth`.
   */
  mapBody(
    depth: number,
    before: ValueMap | null,
    after: ValueMap | null,
    bs: SensitiveCursor,
    as: SensitiveCursor,
    rp: ReplaceCursor,
  ): void {
    const shown: string[] = [];
    let unchanged = 0;
    let width = 0;
    for (const key of sortedKeys(before, after)) {
      const b = before?.[key] ?? null;
      const a = after?.[key] ?? null;
      if (b === null && a === null) continue;
      if (sameWhenRendered(b, a)) {
        unchanged++;
        continue;
      }
      shown.push(key);
      width = Math.max(width, formatKeyLabel(key).length);
    }
    for (const key of shown) {
      this.slot(
        depth,
        attributeHead(formatKeyLabel(key), width),
        before?.[key] ?? null,
        after?.[key] ?? null,
        bs.step(key),
        as.step(key),
        rp.step(key),
      );
    }
    if (unchanged > 0) this.comment(depth, `(${plural(unchanged, 'unchanged attribute')} hidden)`);
  }

  /** One attribute or list element known to differ. */
  slot(depth: number, head: SlotHead, b: Value, a: Value, bs: SensitiveCursor, as: SensitiveCursor, rp: ReplaceCursor): void {
    if (b === null) this.whole(depth, '+', head, a, as, rp, true);
    else if (a === null) this.whole(depth, '-', head, b, bs, rp, true);
    else this.changed(depth, head, b, a, bs, as, rp);
  }

  /** A value appearing (`+`) or disappearing (`-`) entirely, or shown as it is (` `). */
  whole(
    depth: number,
    sign: '+' | '-' | ' ',
    head: SlotHead,
    v: Value,
    sens: SensitiveCursor,
    rp: ReplaceCursor,
    outermost: boolean,
  ): void {
    const force = this.forces(rp);
    const toNull = sign === '-' && outermost && head.comma === '' ? ' -> null' : '';
    const { prefix, comma } = head;
    if (sens.hides(v)) {
      this.line(depth, sign, `${prefix}${SENSITIVE_VALUE}${toNull}${comma}${force}`);
    } else if (isUnknown(v)) {
      this.line(depth, sign, `${prefix}${KNOWN_AFTER_APPLY}${comma}${force}`);
    } else if (isComposite(v)) {
      const [open, shut] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
      if (!this.hasContents(v)) {
        this.line(depth, sign, `${prefix}${open}${shut}${toNull}${comma}${force}`);
        return;
      }
      this.line(depth, sign, `${prefix}${open}${force}`);
      this.contents(depth + 1, sign, v, sens, rp);
      this.close(depth, `${shut}${toNull}${comma}`);
    } else if (isMultilineString(v)) {
      this.line(depth, sign, `${prefix}<<-EOT${force}`);
      for (const text of splitLines(v)) this.line(depth + 1, ' ', text);
      this.close(depth, `EOT${toNull}${comma}`);
    } else {
      this.line(depth, sign, `${prefix}${formatInline(v, sens)}${toNull}${comma}${force}`);
    }
  }

  private hasContents(v: Value[] | ValueMap): boolean {
    if (Array.isArray(v)) return v.length > 0;
    for (const key in v) if (v[key] !== null && v[key] !== undefined) return true;
    return false;
  }

  /** Every element of a list or non-null entry of a map, all with the same sign. */
  private contents(depth: number, sign: '+' | '-' | ' ', v: Value[] | ValueMap, sens: SensitiveCursor, rp: ReplaceCursor): void {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        this.whole(depth, sign, ELEMENT, x, sens.step(i), rp.step(i), false);
      });
      return;
    }
    const keys = sortedKeys(v).filter((k) => v[k] !== null && v[k] !== undefined);
    const width = Math.max(0, ...keys.map((k) => formatKeyLabel(k).length));
    for (const key of keys) {
      this.whole(depth, sign, attributeHead(formatKeyLabel(key), width), v[key]!, sens.step(key), rp.step(key), false);
    }
  }

  /** Both sides present and different. */
  private changed(depth: number, head: SlotHead, b: Value, a: Value, bs: SensitiveCursor, as: SensitiveCursor, rp: ReplaceCursor): void {
    const { prefix, comma } = head;
    const force = this.forces(rp);
    if (bs.hides(b) || as.hides(a)) {
      this.line(depth, '~', `${prefix}${SENSITIVE_VALUE}${comma}${force}`);
    } else if (isUnknown(a) && isComposite(b)) {
      const [open, shut] = Array.isArray(b) ? ['[', ']'] : ['{', '}'];
      this.line(depth, '~', `${prefix}${open}${force}`);
      this.contents(depth + 1, '-', b, bs, ReplaceCursor.NONE);
      this.close(depth, `${shut} -> ${KNOWN_AFTER_APPLY}${comma}`);
    } else if (isValueMap(b) && isValueMap(a)) {
      this.line(depth, '~', `${prefix}{${force}`);
      this.mapBody(depth + 1, b, a, bs, as, rp);
      this.close(depth, `}${comma}`);
    } else if (Array.isArray(b) && Array.isArray(a)) {
      this.line(depth, '~', `${prefix}[${force}`);
      this.listBody(depth + 1, b, a, bs, as, rp);
      this.close(depth, `]${comma}`);
    } else if (typeof b === 'string' && typeof a === 'string' && (isMultilineString(b) || isMultilineString(a))) {
      this.line(depth, '~', `${prefix}<<-EOT${force}`);
      this.heredocDiff(depth + 1, b, a);
      this.close(depth, `EOT${comma}`);
    } else {
      const note = rp.note();
      const how = note === undefined ? '' : ` ${this.paint.cyan(`(${note})`)}`;
      this.line(depth, '~', `${prefix}${formatInline(b, bs)} -> ${formatInline(a, as)}${comma}${how}${force}`);
    }
  }

  /** Lists of equal length compare by position; otherwise by a longest-common-subsequence diff. */
  private listBody(depth: number, b: Value[], a: Value[], bs: SensitiveCursor, as: SensitiveCursor, rp: ReplaceCursor): void {
    let unchanged = 0;
    if (b.length === a.length) {
      for (let i = 0; i < b.length; i++) {
        const x = b[i] ?? null;
        const y = a[i] ?? null;
        if (sameWhenRendered(x, y)) unchanged++;
        else this.slot(depth, ELEMENT, x, y, bs.step(i), as.step(i), rp.step(i));
      }
    } else {
      let bi = 0;
      let ai = 0;
      for (const part of diffArrays<Value>(b, a, { comparator: sameWhenRendered })) {
        const n = part.count ?? part.value.length;
        for (let j = 0; j < n; j++) {
          if (part.added) {
            this.whole(depth, '+', ELEMENT, a[ai] ?? null, as.step(ai), rp.step(ai), true);
            ai++;
          } else if (part.removed) {
            this.whole(depth, '-', ELEMENT, b[bi] ?? null, bs.step(bi), ReplaceCursor.NONE, true);
            bi++;
          } else {
            unchanged++;
            ai++;
            bi++;
          }
        }
      }
    }
    if (unchanged > 0) this.comment(depth, `(${plural(unchanged, 'unchanged element')} hidden)`);
  }

  /** A line diff of two multi-line strings, unchanged runs folded to a little context. */
  private heredocDiff(depth: number, before: string, after: string): void {
    const rows: { sign: '+' | '-' | ' '; text: string }[] = [];
    for (const part of diffLines(before, after)) {
      const sign = part.added ? '+' : part.removed ? '-' : ' ';
      for (const text of splitLines(part.value)) rows.push({ sign, text });
    }
    // Distance from each row to the nearest changed row, in both directions.
    const near = new Array<number>(rows.length).fill(Infinity);
    let last = -Infinity;
    rows.forEach((r, i) => {
      if (r.sign !== ' ') last = i;
      near[i] = i - last;
    });
    last = Infinity;
    for (let i = rows.length - 1; i >= 0; i--) {
      if (rows[i]!.sign !== ' ') last = i;
      near[i] = Math.min(near[i]!, last - i);
    }
    let run: { sign: ' '; text: string }[] = [];
    const flush = (): void => {
      if (run.length === 1) this.line(depth, ' ', run[0]!.text);
      else if (run.length > 1) this.comment(depth, `(${plural(run.length, 'unchanged line')} hidden)`);
      run = [];
    };
    rows.forEach((r, i) => {
      if (r.sign === ' ' && near[i]! > HEREDOC_CONTEXT) {
        run.push({ sign: ' ', text: r.text });
        return;
      }
      flush();
      this.line(depth, r.sign, r.text);
    });
    flush();
  }
}
