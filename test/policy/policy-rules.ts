/** Policy rules written as YAML for tests, parsed as hl parses a --policy file. */
import { parsePolicyFile } from '../../src/policy/parse-policies.js';
import type { PolicyRule } from '../../src/policy/policy-types.js';

export function rulesFrom(yaml: string): PolicyRule[] {
  const parsed = parsePolicyFile({ path: 'policy.yaml', text: yaml });
  if (parsed.diagnostics.length > 0) throw new Error(`bad test rules: ${parsed.diagnostics.map((d) => d.summary).join('; ')}`);
  return parsed.rules;
}
