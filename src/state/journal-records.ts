/**
 * The journal's format (`<state>.journal`): JSON Lines, one record per line, starting with a
 * header naming the state (lineage) and the serial of the state file it applies on top of.
 *
 * Every record that changes state is absolute ("resource X is now R", "X is gone"), never
 * relative, so replaying a journal over a state file that already contains its effects (a
 * crash between writing the state file and truncating the journal) gives the same result.
 *
 * Decoding is pure apart from the validator it is given: it takes the file's bytes and tells
 * which records are valid, and where a torn last line (a write cut short by a crash) starts.
 * Each line must be UTF-8 without NUL bytes, hold no non-finite number nor a value nested
 * too deep (json-value-bounds.ts), and be a well-formed record (journal-record-check.ts).
 */
import { decodeSourceBytes } from '../yaml/source-text.js';
import { UNKNOWN, containsUnknown, isUnknown } from '../core/value.js';
import { jsonBoundsProblem, renderJsonPath } from './json-value-bounds.js';
import { journalLineProblem } from './journal-record-check.js';
import type { StateValidator } from './state-schema.js';
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
  /** 1-based column (in characters), when the problem is at one byte. */
  col?: number;
  message: string;
}

/** What one line holds, or why it is not a record. */
type LineReading = { value: unknown; problem?: undefined } | { value?: unknown; problem: string; col?: number };

function readLine(bytes: Buffer, terminated: boolean, validate: StateValidator): LineReading {
  const decoded = decodeSourceBytes(bytes, 'journals');
  if (decoded.problem) {
    // What the line would say with its bad bytes replaced: a record (damaged), or garbage.
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      value = undefined;
    }
    return { value, problem: decoded.problem.summary, col: decoded.problem.col };
  }
  let value: unknown;
  try {
    value = JSON.parse(decoded.text);
  } catch (e) {
    return { problem: (e as Error).message };
  }
  if (!terminated) return { value, problem: 'line not terminated' };
  const bounds = jsonBoundsProblem(value);
  if (bounds) return { value, problem: `at ${renderJsonPath(bounds.path)}, ${bounds.summary}` };
  const problem = journalLineProblem(value, validate);
  if (problem !== undefined) return { value, problem };
  // Only an intent's planned attributes hold unknowns; the reviver recurses, so it runs only
  // on a line known to nest within bounds.
  if (isObject(value) && value.t === 'begin') value = JSON.parse(decoded.text, reviver);
  return { value };
}

/** Decodes a journal's bytes. Only the last line may be torn; damage before it is corruption. */
export function decodeJournal(bytes: Uint8Array, validate: StateValidator): DecodedJournal | { corruption: JournalCorruption } {
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
    const reading = readLine(buf.subarray(start, end), terminated, validate);
    if (reading.problem !== undefined) {
      const { value } = reading;
      // A write cut short leaves an unterminated (or, after a power cut, garbage) last line.
      if (isLast && (!terminated || !(isObject(value) && typeof value.t === 'string'))) {
        decoded.tornTail = true;
        return decoded;
      }
      const corruption: JournalCorruption = { line: lineNo, message: reading.problem };
      if (reading.col !== undefined) corruption.col = reading.col;
      return { corruption };
    }
    const line = reading.value as JournalLine;
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
