/**
 * The policy file's JSON Schema (schemas/policy.schema.json, also usable by editors), and
 * the schema of one rule derived from it, for the rules of the config's `policies:` list.
 */
import schema from '../../schemas/policy.schema.json' with { type: 'json' };

/** A whole `--policy` file: `{ policies: [rule, ...] }`. */
export const POLICY_FILE_SCHEMA: object = schema;

/** One rule; the file schema's definitions come along so its `$ref`s resolve. */
export const POLICY_RULE_SCHEMA: object = {
  $schema: schema.$schema,
  ...schema.definitions.rule,
  definitions: schema.definitions,
};
