/**
 * Typing of plain YAML scalars by the YAML 1.2 core schema, exactly as the `yaml` package's
 * `parseDocument` does it (its core tags, tested in the same order with the same patterns
 * and resolved the same way), written out here so that the fast path needs none of `yaml`'s
 * code: `~`/`null` are null, `true`/`False` booleans, `0x1F`/`0o17`/`12` integers,
 * `1e3`/`.5` floats, and everything else (`yes`, `on`, `${var.x}`) a string.
 * test/config/yaml-core-scalar.test.ts holds this to the `yaml` package's own tags.
 *
 * Values the slow path reports on (non-finite numbers, integers too large to be exact)
 * are answered `undefined`, so the caller can leave the document to that path.
 */

export type CoreScalarValue = string | number | boolean | null;

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

function exact(n: number): number | undefined {
  if (!Number.isFinite(n)) return undefined;
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) return undefined;
  return n;
}

/**
 * The typed value of a plain scalar whose text (lines already folded) is `text`, or
 * `undefined` when the core schema would not give a plain, finite, exact value.
 */
export function resolvePlainScalar(text: string): CoreScalarValue | undefined {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (INT_OCT.test(text)) return exact(parseInt(text.substring(2), 8));
  if (INT.test(text)) return exact(parseInt(text, 10));
  if (INT_HEX.test(text)) return exact(parseInt(text.substring(2), 16));
  if (FLOAT_NAN.test(text)) return undefined;
  if (FLOAT_EXP.test(text) || FLOAT.test(text)) return exact(parseFloat(text));
  return text;
}
