/**
 * The journal's format (`<state>.journal`): JSON Lines, one record per line, starting with a
 * header naming the state (lineage) and the serial of the state file it applies on top of.
 *
 * Every record that changes state is absolute ("resource X is now R", "X is gone"), never
 * relative, so replaying a journal over a state file that already contains its effects (a
 * crash between writing the state file and truncating the journal) gives the same result.
 *
 * Decoding is pure: it takes the file's bytes and tells which records are valid, and where a
 * torn last line (a write cut short by a crash) starts.
 */
import { UNKNOWN, containsUnknown, isUnknown } from '../core/value.js';
import type { OutputState, ResourceState } from './state-types.js';
import type { IntentOutcome, PendingIntent, PendingResolution } from './intent-types.js';

export const JOURNAL_FORMAT_VERSION = 1;

export interface JournalHeader {
  t: 'head';
  v: number;
  lineage: string;
  /** Serial of the state file this journal's records apply on top of. */
  serial: number;
}

export type JournalRecord =
  | { t: 'begin'; intent: PendingIntent }
  | { t: 'done'; intentId: string; outcome: IntentOutcome }
  | { t: 'resolve'; intentId: string; resolution: PendingResolution }
  | { t: 'set'; resource: ResourceState }
  | { t: 'rm'; address: string }
  /** `resource` already carries the new address. */
  | { t: 'mv'; from: string; resource: ResourceState }
  | { t: 'outputs'; outputs: Record<string, OutputState> };

export type JournalLine = JournalHeader | JournalRecord;

/** How an unknown value (only in an intent's planned attributes) is written. */
const UNKNOWN_MARKER_KEY = '$hl';
const UNKNOWN_MARKER_VALUE = 'unknown';

function replacer(_key: string, value: unknown): unknown {
  return isUnknown(value) ? { [UNKNOWN_MARKER_KEY]: UNKNOWN_MARKER_VALUE } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (o[UNKNOWN_MARKER_KEY] === UNKNOWN_MARKER_VALUE && Object.keys(o).length === 1) return UNKNOWN;
  }
  return value;
}

/**
 * One line of the journal, newline included. Only an intent's planned attributes may hold
 * unknowns (resources are checked free of them before they get here); the replacer, which
 * slows JSON.stringify down several times, is used only when they do.
 */
export function encodeJournalLine(line: JournalLine): string {
  const marked = line.t === 'begin' && line.intent.planned !== undefined && containsUnknown(line.intent.planned);
  return `${marked ? JSON.stringify(line, replacer) : JSON.stringify(line)}\n`;
}

export function journalHeader(lineage: string, serial: number): JournalHeader {
  return { t: 'head', v: JOURNAL_FORMAT_VERSION, lineage, serial };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short reason why `v` is not a well-formed record, or undefined when it is. */
function recordProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'not an object';
  const str = (k: string): boolean => typeof v[k] === 'string';
  const obj = (k: string): boolean => isObject(v[k]);
  switch (v.t) {
    case 'head':
      return typeof v.v === 'number' && str('lineage') && typeof v.serial === 'number' ? undefined : 'bad header';
    case 'begin':
      return obj('intent') && typeof (v.intent as Record<string, unknown>).intentId === 'string' ? undefined : 'bad begin';
    case 'done':
      return str('intentId') && obj('outcome') ? undefined : 'bad done';
    case 'resolve':
      return str('intentId') && obj('resolution') ? undefined : 'bad resolve';
    case 'set':
      return obj('resource') ? undefined : 'bad set';
    case 'rm':
      return str('address') ? undefined : 'bad rm';
    case 'mv':
      return str('from') && obj('resource') ? undefined : 'bad mv';
    case 'outputs':
      return obj('outputs') ? undefined : 'bad outputs';
    default:
      return `unknown record type ${JSON.stringify(v.t)}`;
  }
}

export interface DecodedJournal {
  header: JournalHeader | undefined;
  records: JournalRecord[];
  /** Length in bytes of the valid prefix (everything before a torn last line). */
  validBytes: number;
  /** True when the file ends with a partial or unreadable line, which is ignored. */
  tornTail: boolean;
}

export interface JournalCorruption {
  /** 1-based line number. */
  line: number;
  message: string;
}

/** Decodes a journal's bytes. Only the last line may be torn; damage before it is corruption. */
export function decodeJournal(bytes: Uint8Array): DecodedJournal | { corruption: JournalCorruption } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoded: DecodedJournal = { header: undefined, records: [], validBytes: 0, tornTail: false };
  let start = 0;
  let lineNo = 0;
  while (start < buf.length) {
    lineNo++;
    const nl = buf.indexOf(0x0a, start);
    const terminated = nl >= 0;
    const end = terminated ? nl : buf.length;
    const isLast = !terminated || nl + 1 >= buf.length;
    const text = buf.toString('utf8', start, end);
    let value: unknown;
    let problem: string | undefined;
    try {
      value = JSON.parse(text, reviver);
      problem = terminated ? recordProblem(value) : 'line not terminated';
    } catch (e) {
      problem = (e as Error).message;
    }
    if (problem !== undefined) {
      // A write cut short leaves an unterminated (or, after a power cut, garbage) last line.
      if (isLast && (!terminated || !(isObject(value) && typeof value.t === 'string'))) {
        decoded.tornTail = true;
        return decoded;
      }
      return { corruption: { line: lineNo, message: problem } };
    }
    const line = value as JournalLine;
    if (lineNo === 1) {
      if (line.t !== 'head') return { corruption: { line: 1, message: 'the journal does not start with a header' } };
      decoded.header = line;
    } else if (line.t === 'head') {
      return { corruption: { line: lineNo, message: 'a second header' } };
    } else {
      decoded.records.push(line);
    }
    start = end + 1;
    decoded.validBytes = start;
  }
  return decoded;
}
