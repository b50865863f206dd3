/**
 * The state file's text form: decoding (with clear diagnostics for empty, malformed, foreign
 * and newer-version files) and encoding. Pure apart from the validator it is given.
 */
import { decodeSourceBytes } from '../yaml/source-text.js';
import { error, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import { jsonBoundsProblem, renderJsonPath } from './json-value-bounds.js';
import { STATE_FORMAT_VERSION, type ResourceState, type State } from './state-types.js';
import type { StateValidator } from './state-schema.js';

export type DecodeStateResult = { state: State } | { diagnostics: Diagnostic[] };

const NEVER_OVERWRITTEN = 'hl has not modified it and will not write to it until the problem is fixed.';

/** Line and column of a JSON.parse error, when the message gives them (Node 22+) or a position. */
function jsonErrorLocation(file: string, text: string, message: string): SourceLocation | undefined {
  const lc = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lc) return { file, line: Number(lc[1]), col: Number(lc[2]) };
  const m = /position (\d+)/.exec(message);
  if (!m) return undefined;
  const pos = Math.min(Number(m[1]), text.length);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return { file, line, col };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeForeign(file: string, data: Record<string, unknown>): Diagnostic | undefined {
  if ('terraform_version' in data) {
    return error(
      `${file} is a Terraform/OpenTofu state file (terraform_version ${String(data.terraform_version)}), not an hl state`,
      undefined,
      `hl keeps its own state format and cannot read tfstate files. Point --state at an hl state file, ` +
        `or bring existing resources under hl with \`hl import ADDRESS ID\`. ${NEVER_OVERWRITTEN}`,
    );
  }
  if ('checkpoint' in data || 'deployment' in data) {
    return error(
      `${file} looks like a Pulumi checkpoint, not an hl state`,
      undefined,
      `Point --state at an hl state file, or use \`hl import ADDRESS ID\`. ${NEVER_OVERWRITTEN}`,
    );
  }
  if (typeof data.version === 'number' && data.version > STATE_FORMAT_VERSION && typeof data.lineage === 'string') {
    return error(
      `${file} was written by a newer hl (state format version ${data.version}; this hl reads version ${STATE_FORMAT_VERSION})`,
      undefined,
      `Upgrade hl to use this state. ${NEVER_OVERWRITTEN}`,
    );
  }
  return undefined;
}

/**
 * Decodes and validates a state file's bytes: strict UTF-8 without NUL bytes (the first bad
 * byte is refused at its line and column, never replaced by U+FFFD), then as decodeStateFile.
 */
export function decodeStateFileBytes(bytes: Uint8Array, file: string, validate: StateValidator): DecodeStateResult {
  const decoded = decodeSourceBytes(bytes, 'state files');
  if (decoded.problem) {
    const { summary, line, col } = decoded.problem;
    return {
      diagnostics: [
        error(
          `State file ${file} is damaged: ${summary}`,
          { file, line, col },
          `Fix the file by hand or restore ${file}.backup. ${NEVER_OVERWRITTEN}`,
        ),
      ],
    };
  }
  return decodeStateFile(decoded.text, file, validate);
}

/** What holds the value at `path` of a state document: its resource or output, when it has one. */
function ownerOf(data: Record<string, unknown>, path: readonly (string | number)[]): string {
  if (path[0] === 'resources' && typeof path[1] === 'number' && Array.isArray(data.resources)) {
    const entry: unknown = data.resources[path[1]];
    const address = isRecord(entry) ? entry.address : undefined;
    return typeof address === 'string' ? ` (resource ${address})` : ` (resource entry ${path[1]})`;
  }
  if (path[0] === 'outputs' && typeof path[1] === 'string') return ` (output ${path[1]})`;
  return '';
}

/** Decodes and validates a state file's text; `file` is used in messages. */
export function decodeStateFile(text: string, file: string, validate: StateValidator): DecodeStateResult {
  if (text.trim() === '') {
    return {
      diagnostics: [
        error(
          `State file ${file} is empty`,
          undefined,
          `An earlier tool may have been interrupted while writing it; ${file}.backup may hold the previous version. ${NEVER_OVERWRITTEN}`,
        ),
      ],
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    return {
      diagnostics: [
        error(
          `State file ${file} is not valid JSON: ${message}`,
          jsonErrorLocation(file, text, message),
          `Fix the file by hand or restore ${file}.backup. ${NEVER_OVERWRITTEN}`,
        ),
      ],
    };
  }
  if (!isRecord(data)) {
    return {
      diagnostics: [error(`${file} is not an hl state: its top level is not an object`, undefined, NEVER_OVERWRITTEN)],
    };
  }
  const foreign = describeForeign(file, data);
  if (foreign) return { diagnostics: [foreign] };

  // Before the schema: ajv, like every later walk of the state, recurses.
  const bounds = jsonBoundsProblem(data);
  if (bounds) {
    return {
      diagnostics: [
        error(
          `State file ${file} is damaged: at ${renderJsonPath(bounds.path)}${ownerOf(data, bounds.path)}, ${bounds.summary}`,
          undefined,
          `Fix the file by hand or restore ${file}.backup. ${NEVER_OVERWRITTEN}`,
        ),
      ],
    };
  }

  const problems = validate.state(data);
  if (problems.length > 0) {
    const shown = problems.slice(0, 8);
    const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : '';
    return {
      diagnostics: [
        error(
          `State file ${file} does not match the hl state schema: ${shown[0]}`,
          undefined,
          `Problems:\n  ${shown.join('\n  ')}${more}\n${NEVER_OVERWRITTEN}`,
        ),
      ],
    };
  }
  const state = data as unknown as State;
  const seen = new Set<string>();
  for (const r of state.resources) {
    if (seen.has(r.address)) {
      return {
        diagnostics: [error(`State file ${file} lists resource ${r.address} more than once`, undefined, NEVER_OVERWRITTEN)],
      };
    }
    seen.add(r.address);
  }
  return { state };
}

function byAddress(a: ResourceState, b: ResourceState): number {
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}

/** The resources in the order they are written: by address, so diffs of the file stay small. */
export function sortedResources(resources: Iterable<ResourceState>): ResourceState[] {
  return [...resources].sort(byAddress);
}

/** The file's text: 2-space JSON with a final newline. */
export function encodeStateFile(state: State): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}
