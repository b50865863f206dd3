/**
 * Policy rules from their YAML (pure): the config's `policies:` list, already parsed into
 * located nodes, or the text of a `--policy` file. Each rule is checked against
 * `schemas/policy.schema.json`, so a mistake is reported at file:line:col like any other
 * config problem; a rule with a problem is left out and the caller stops on the errors.
 */
import { error, type Diagnostic } from '../core/diagnostic.js';
import type { Path } from '../core/value.js';
import type { ConfigFile } from '../config/config-types.js';
import type { MapNode, Node } from '../yaml/node.js';
import { findEntry } from '../yaml/node-path.js';
import { nodeToValue } from '../yaml/node-value.js';
import type { PrecompiledValidators } from '../schema/precompiled-validators.js';
import { validateAgainstSchema, type PathDescription } from '../schema/schema-validator.js';
import { parseYamlFile } from '../yaml/yaml-to-node.js';
import { POLICY_FILE_SCHEMA, POLICY_RULE_SCHEMA } from './policy-schema.js';
import type { PolicyRuleKind, PolicySeverity } from '../plan/policy-result.js';
import type { PolicyRule, ResourceSelector, UnattendedKind } from './policy-types.js';

export interface ParsedPolicies {
  rules: PolicyRule[];
  diagnostics: Diagnostic[];
}

/** The rules of the config's `policies:` list, in order. `precompiled`: the build's validators (the engine passes them). */
export function decodePolicyRules(nodes: readonly Node[], precompiled?: PrecompiledValidators): ParsedPolicies {
  const out: ParsedPolicies = { rules: [], diagnostics: [] };
  nodes.forEach((node, i) => {
    const context = policyContext(i);
    const problems = validateAgainstSchema(POLICY_RULE_SCHEMA, nodeToValue(node), node, context, {
      describePath: (path) => ({ context, attribute: path, noun: 'setting' }),
      nullIsUnset: false,
      precompiled,
    });
    if (problems.length > 0) out.diagnostics.push(...problems);
    else out.rules.push(decodeRule(node as MapNode));
  });
  return out;
}

/** The config's rules, then those of a `--policy` file when there is one. */
export function collectPolicyRules(
  configPolicies: readonly Node[],
  policyFile?: ConfigFile,
  precompiled?: PrecompiledValidators,
): ParsedPolicies {
  const fromConfig = decodePolicyRules(configPolicies, precompiled);
  if (!policyFile) return fromConfig;
  const fromFile = parsePolicyFile(policyFile, precompiled);
  return { rules: [...fromConfig.rules, ...fromFile.rules], diagnostics: [...fromConfig.diagnostics, ...fromFile.diagnostics] };
}

/** The rules of a policy file: YAML with a top-level `policies:` list. */
export function parsePolicyFile(file: ConfigFile, precompiled?: PrecompiledValidators): ParsedPolicies {
  const parsed = parseYamlFile(file);
  if (!parsed.node) return { rules: [], diagnostics: parsed.diagnostics };
  const root = parsed.node;
  const problems = validateAgainstSchema(POLICY_FILE_SCHEMA, nodeToValue(root), root, file.path, {
    describePath: describePolicyFilePath,
    nullIsUnset: false,
    precompiled,
  });
  if (problems.length > 0) return { rules: [], diagnostics: [...parsed.diagnostics, ...problems] };
  const list = root.kind === 'map' ? findEntry(root, 'policies')?.value : undefined;
  if (list?.kind !== 'seq') {
    if (list?.kind === 'scalar') return { rules: [], diagnostics: parsed.diagnostics };
    return { rules: [], diagnostics: [...parsed.diagnostics, error(`${file.path} has no policies: list`, root.loc)] };
  }
  return { rules: list.items.map((n) => decodeRule(n as MapNode)), diagnostics: parsed.diagnostics };
}

function policyContext(index: number): string {
  return `policy #${index + 1}`;
}

function describePolicyFilePath(path: Path): PathDescription {
  const [section, index, ...rest] = path;
  if (section === 'policies' && typeof index === 'number') return { context: policyContext(index), attribute: rest, noun: 'setting' };
  return { context: 'the policy file', attribute: path, noun: 'key' };
}

/** A rule node that passed the schema. */
function decodeRule(node: MapNode): PolicyRule {
  const str = (key: string): string | undefined => {
    const v = findEntry(node, key)?.value;
    return v?.kind === 'scalar' && typeof v.value === 'string' ? v.value : undefined;
  };
  const names = (n: Node | undefined): string[] | undefined => {
    if (!n) return undefined;
    if (n.kind === 'scalar') return n.value === null ? undefined : [String(n.value)];
    if (n.kind === 'seq') return n.items.map((x) => (x.kind === 'scalar' ? String(x.value) : ''));
    return undefined;
  };
  const number = (key: string): number => {
    const v = findEntry(node, key)?.value;
    return v?.kind === 'scalar' && typeof v.value === 'number' ? v.value : 0;
  };
  const kind = str('rule') as PolicyRuleKind;
  const severity = (str('severity') ?? 'error') as PolicySeverity;
  const matchNode = findEntry(node, 'match')?.value;
  const match: ResourceSelector = {};
  if (matchNode?.kind === 'map') {
    const keys = [
      ['type', 'types'],
      ['address', 'addresses'],
      ['tag', 'tags'],
      ['node', 'nodes'],
      ['provider', 'providers'],
    ] as const;
    for (const [key, field] of keys) {
      const v = names(findEntry(matchNode, key)?.value);
      if (v) match[field] = v;
    }
  }
  const common = { severity, match, source: node.loc };
  const message = str('message');
  const named = (settings: string): { name: string; message?: string } => ({
    name: str('name') ?? defaultName(kind, settings, match),
    ...(message !== undefined ? { message } : {}),
  });
  switch (kind) {
    case 'max-changes': {
      const limitNode = findEntry(node, 'limit')?.value;
      const limit = limitNode?.kind === 'scalar' && typeof limitNode.value === 'number' ? limitNode.value : 0;
      return { kind, limit, ...common, ...named(`limit ${limit}`) };
    }
    case 'no-changes-on-node': {
      const nodes = names(findEntry(node, 'node')?.value) ?? [];
      return { kind, nodes, ...common, ...named(`node ${nodes.join(' or ')}`) };
    }
    case 'node-memory':
    case 'node-vcpus':
    case 'node-cpu-load': {
      const nodes = names(findEntry(node, 'node')?.value);
      const on = nodes ? { nodes } : {};
      const onText = nodes ? `, node ${nodes.join(' or ')}` : '';
      if (kind === 'node-vcpus') {
        const maxPerCore = number('max_per_core');
        return { kind, maxPerCore, ...on, ...common, ...named(`max ${maxPerCore} per core${onText}`) };
      }
      const maxPercent = number('max_percent');
      return { kind, maxPercent, ...on, ...common, ...named(`max ${maxPercent} %${onText}`) };
    }
    case 'unattended': {
      const allow = (names(findEntry(node, 'allow')?.value) ?? []) as UnattendedKind[];
      return { kind, allow, ...common, ...named(`allow ${allow.join(', ')}`) };
    }
    default:
      return { kind, ...common, ...named('') };
  }
}

/** `no-destroy (type proxmox_vm, tag protected)`. */
function defaultName(kind: PolicyRuleKind, settings: string, match: ResourceSelector): string {
  const parts = settings ? [settings] : [];
  const show = (label: string, list: string[] | undefined): void => {
    if (list) parts.push(`${label} ${list.join(' or ')}`);
  };
  show('type', match.types);
  show('address', match.addresses);
  show('tag', match.tags);
  show('node', match.nodes);
  show('provider', match.providers);
  return parts.length > 0 ? `${kind} (${parts.join(', ')})` : kind;
}
