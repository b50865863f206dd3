/**
 * Typing of plain YAML scalars by the YAML 1.2 core schema, exactly as `parseDocument`
 * does it: the `yaml` package's own core tags (tested in the same order, resolved by the
 * same functions), so `~`/`null` are null, `true`/`False` booleans, `0x1F`/`0o17`/`12`
 * integers, `1e3`/`.5` floats, and everything else (`yes`, `on`, `${var.x}`) a string.
 *
 * Values the slow path reports on (non-finite numbers, integers too large to be exact)
 * are answered `undefined`, so the caller can leave the document to that path.
 */
import { Document, isScalar, type ScalarTag } from 'yaml';

export type CoreScalarValue = string | number | boolean | null;

interface CoreSchema {
  /** The tags a plain scalar is tested against, in schema order. */
  tags: ScalarTag[];
  options: Document['options'];
}

let schema: CoreSchema | undefined;

function coreSchema(): CoreSchema {
  if (!schema) {
    // the same Document options as src/config/yaml-to-node.ts gives parseDocument
    const doc = new Document(undefined, { merge: false, uniqueKeys: false });
    const tags = (doc.schema.tags as ScalarTag[]).filter((t) => t.default === true && t.test !== undefined && !('collection' in t && t.collection));
    schema = { tags, options: doc.options };
  }
  return schema;
}

/**
 * The typed value of a plain scalar whose text (lines already folded) is `text`, or
 * `undefined` when the core schema would not give a plain, finite, exact value.
 */
export function resolvePlainScalar(text: string): CoreScalarValue | undefined {
  const { tags, options } = coreSchema();
  const tag = tags.find((t) => t.test!.test(text));
  if (!tag) return text;
  let failed = false;
  const resolved = tag.resolve(text, () => (failed = true), options);
  if (failed) return undefined;
  const value: unknown = isScalar(resolved) ? resolved.value : resolved;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) return undefined;
    return value;
  }
  return undefined;
}
