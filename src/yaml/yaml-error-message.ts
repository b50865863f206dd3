/**
 * Turns the `yaml` package's syntax error codes and messages into sentences for people:
 * no parser jargon ("map-value-ind token"), no API advice ("use parseAllDocuments()"),
 * and a hint about the usual cause where there is one.
 */

export interface YamlErrorText {
  summary: string;
  detail?: string;
}

const TOKEN_NAMES: Record<string, string> = {
  'map-value-ind': '":"',
  'seq-item-ind': '"-"',
  'explicit-key-ind': '"?"',
  'flow-map-start': '"{"',
  'flow-map-end': '"}"',
  'flow-seq-start': '"["',
  'flow-seq-end': '"]"',
  'flow-error-end': 'a closing bracket',
  comma: '","',
  anchor: 'an anchor',
  tag: 'a tag',
  alias: 'an alias',
  scalar: 'a value',
  'block-scalar': 'a block scalar',
  comment: 'a comment',
  'doc-start': '"---"',
  'doc-end': '"..."',
};

const INDENT_HINT = 'Check that this line is indented like its siblings and further than its parent key; YAML uses spaces only.';

/** A readable summary (prefixed "YAML syntax error") and an optional hint for one parser error. */
export function describeYamlError(code: string, message: string): YamlErrorText {
  const text = readableMessage(code, message);
  const detail = HINTS[code];
  return detail === undefined ? { summary: `YAML syntax error: ${text}` } : { summary: `YAML syntax error: ${text}`, detail };
}

const HINTS: Record<string, string> = {
  BAD_INDENT: INDENT_HINT,
  TAB_AS_INDENT: 'Replace the tab characters at the start of the line with spaces.',
  BLOCK_AS_IMPLICIT_KEY:
    'A value on the same line as its key cannot start a nested map. Put nested keys on their own, indented lines, ' +
    'or quote the value if it contains ": ".',
  MULTILINE_IMPLICIT_KEY: INDENT_HINT,
  MISSING_CHAR: 'A quote or bracket opened here is never closed, or a key is missing its ":".',
  MULTIPLE_DOCS: 'Split the documents into separate files of the config directory; hl merges them.',
  BAD_DQ_ESCAPE: 'Inside double quotes a backslash starts an escape; write \\\\ for a backslash, or use single quotes.',
  BAD_SCALAR_START: 'Quote the value: "@..." or "`...`".',
  UNEXPECTED_TOKEN: INDENT_HINT,
};

function readableMessage(code: string, message: string): string {
  switch (code) {
    case 'MULTIPLE_DOCS':
      return 'a config file must hold a single YAML document, but a second one starts here';
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed as indentation';
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'a nested map cannot start on the same line as its key';
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key must be on a single line (is the next line indented too far?)';
    case 'BAD_SCALAR_START': {
      const m = /reserved character (.)/.exec(message);
      return m ? `a plain value cannot start with "${m[1]}"` : lowerFirst(message);
    }
    case 'MISSING_CHAR': {
      const m = /^Missing closing (["'])quote/.exec(message);
      if (m) return `this ${m[1] === '"' ? 'double' : 'single'}-quoted string is never closed (missing closing quote)`;
      return lowerFirst(message);
    }
    case 'BAD_INDENT': {
      const m = /^Flow (sequence|mapping) in block collection must be sufficiently indented and end with a (.)/.exec(message);
      if (m)
        return `a ${m[1] === 'sequence' ? 'list' : 'map'} opened with "${m[2] === ']' ? '[' : '{'}" is not closed with "${m[2]}" (or its lines are not indented enough)`;
      return lowerFirst(message);
    }
    case 'UNEXPECTED_TOKEN': {
      const m = /^Unexpected (\S+) token in YAML (?:stream|document)(?:: (.*))?$/.exec(message);
      if (m) return `unexpected ${m[2] ?? TOKEN_NAMES[m[1]!] ?? m[1]}`;
      const end = /^Unexpected (\S+) at node end$/.exec(message);
      if (end) return `unexpected ${TOKEN_NAMES[end[1]!] ?? end[1]} after the end of a value`;
      return lowerFirst(message);
    }
    default:
      return lowerFirst(message.replace(/;? ?please use [^.]*\.?$/i, ''));
  }
}

function lowerFirst(s: string): string {
  return s.length > 1 && /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/**
 * Where to point for an error: yaml reports an unterminated quoted string at the end of
 * the file; the opening quote is where the problem is.
 */
export function yamlErrorOffset(code: string, message: string, text: string, offset: number): number {
  const m = code === 'MISSING_CHAR' ? /^Missing closing (["'])quote/.exec(message) : null;
  if (!m) return offset;
  const quote = m[1]!;
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    if (quote === '"' && text[i - 1] === '\\') continue;
    if (quote === "'" && (text[i - 1] === "'" || text[i + 1] === "'")) continue;
    return i;
  }
  return offset;
}
