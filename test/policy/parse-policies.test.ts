/**
 * Policy rules from YAML: the config's `policies:` list and a --policy file, checked
 * against schemas/policy.schema.json with problems at file:line:col.
 */
import { describe, expect, it } from 'vitest';
import { formatLocation, type Diagnostic } from '../../src/core/diagnostic.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { collectPolicyRules, decodePolicyRules, parsePolicyFile } from '../../src/policy/parse-policies.js';

function problems(diags: Diagnostic[]): string[] {
  return diags.map((d) => `${d.location ? formatLocation(d.location) : '-'} ${d.summary}`);
}

function fileProblems(text: string): string[] {
  return problems(parsePolicyFile({ path: 'policy.yaml', text }).diagnostics);
}

describe('policy rules in the config', () => {
  it('decodes the config\'s policies: list into rules with their location', () => {
    const parsed = parseConfig([
      {
        path: 'homelab.yaml',
        text: `resources:
  fake_resource.a: { name: a }
policies:
  - rule: no-destroy
    match: { type: proxmox_vm, tag: protected }
  - { rule: max-changes, limit: 10, severity: warning, name: small }
  - { rule: no-changes-on-node, node: pve, message: "freeze" }
  - { rule: prevent-destroy }
`,
      },
    ]);
    expect(parsed.diagnostics).toEqual([]);
    const { rules, diagnostics } = decodePolicyRules(parsed.config!.policies);
    expect(diagnostics).toEqual([]);
    expect(rules).toEqual([
      { kind: 'no-destroy', name: 'no-destroy (type proxmox_vm, tag protected)', severity: 'error', match: { types: ['proxmox_vm'], tags: ['protected'] }, source: { file: 'homelab.yaml', line: 4, col: 5 } },
      { kind: 'max-changes', limit: 10, name: 'small', severity: 'warning', match: {}, source: { file: 'homelab.yaml', line: 6, col: 5 } },
      { kind: 'no-changes-on-node', nodes: ['pve'], name: 'no-changes-on-node (node pve)', message: 'freeze', severity: 'error', match: {}, source: { file: 'homelab.yaml', line: 7, col: 5 } },
      { kind: 'prevent-destroy', name: 'prevent-destroy', severity: 'error', match: {}, source: { file: 'homelab.yaml', line: 8, col: 5 } },
    ]);
  });

  it('reports a wrong rule in the config at its file:line:col and keeps the others', () => {
    const parsed = parseConfig([{ path: 'c.yaml', text: 'policies:\n  - { rule: no-destroy }\n  - { rule: max-changes, limit: -1 }\n' }]);
    const { rules, diagnostics } = decodePolicyRules(parsed.config!.policies);
    expect(rules.map((r) => r.kind)).toEqual(['no-destroy']);
    expect(problems(diagnostics)).toEqual(['c.yaml:3:33 Setting "limit" must be at least 0, got number -1']);
  });
});

describe('a --policy file', () => {
  it('reads a top-level policies: list', () => {
    const { rules, diagnostics } = parsePolicyFile({ path: 'p.yaml', text: 'policies:\n  - { rule: no-replace, match: { address: "proxmox_vm.*", provider: proxmox, node: [a, b] } }\n' });
    expect(diagnostics).toEqual([]);
    expect(rules[0]).toMatchObject({ kind: 'no-replace', match: { addresses: ['proxmox_vm.*'], providers: ['proxmox'], nodes: ['a', 'b'] } });
  });

  it('comes after the config\'s rules', () => {
    const parsed = parseConfig([{ path: 'c.yaml', text: 'policies:\n  - { rule: no-destroy }\n' }]);
    const all = collectPolicyRules(parsed.config!.policies, { path: 'p.yaml', text: 'policies:\n  - { rule: max-changes, limit: 2 }\n' });
    expect(all.diagnostics).toEqual([]);
    expect(all.rules.map((r) => [r.kind, r.source?.file])).toEqual([
      ['no-destroy', 'c.yaml'],
      ['max-changes', 'p.yaml'],
    ]);
    expect(collectPolicyRules(parsed.config!.policies).rules).toHaveLength(1);
    const wrong = collectPolicyRules(parsed.config!.policies, { path: 'p.yaml', text: 'policies:\n  - { rule: max-changes, limit: 2 }\n  - { rule: nope }\n' });
    expect(problems(wrong.diagnostics)).toEqual([expect.stringMatching(/^p\.yaml:3:13 Setting "rule" must be one of/) as unknown as string]);
  });

  it('takes an empty list', () => {
    expect(parsePolicyFile({ path: 'p.yaml', text: 'policies:\n' })).toEqual({ rules: [], diagnostics: [] });
    expect(parsePolicyFile({ path: 'p.yaml', text: 'policies: []\n' })).toEqual({ rules: [], diagnostics: [] });
  });

  const cases: { reason: string; text: string; expected: string[] }[] = [
    {
      reason: 'an unknown rule, with a did-you-mean',
      text: 'policies:\n  - { rule: no-destory }\n',
      expected: ['policy.yaml:2:13 Setting "rule" must be one of "no-destroy", "no-replace", "max-changes", "no-changes-on-node", "prevent-destroy", "node-memory", "node-vcpus", "node-cpu-load", "unattended", got string "no-destory". Did you mean "no-destroy"?'],
    },
    { reason: 'a missing rule', text: 'policies:\n  - { name: x }\n', expected: ['policy.yaml:2:5 Missing required setting "rule" in policy #1'] },
    { reason: 'max-changes without a limit', text: 'policies:\n  - { rule: max-changes }\n', expected: ['policy.yaml:2:5 Missing required setting "limit" in policy #1'] },
    { reason: 'a limit on another rule', text: 'policies:\n  - { rule: no-replace, limit: 3 }\n', expected: ['policy.yaml:2:25 limit applies only to rule max-changes'] },
    { reason: 'no-changes-on-node without a node', text: 'policies:\n  - { rule: no-changes-on-node }\n', expected: ['policy.yaml:2:5 Missing required setting "node" in policy #1'] },
    {
      reason: 'node on another rule (match: is meant)',
      text: 'policies:\n  - { rule: no-destroy, node: pve }\n',
      expected: ['policy.yaml:2:25 node applies only to rules no-changes-on-node, node-memory, node-vcpus and node-cpu-load (to narrow other rules to a node, use match: { node: ... })'],
    },
    { reason: 'a misspelt match key', text: 'policies:\n  - { rule: no-destroy, match: { typ: x } }\n', expected: ['policy.yaml:2:34 Unsupported setting "match.typ" in policy #1. Did you mean "type"?'] },
    { reason: 'an unknown severity', text: 'policies:\n  - { rule: no-destroy, severity: fatal }\n', expected: ['policy.yaml:2:35 Setting "severity" must be one of "error", "warning", got string "fatal"'] },
    { reason: 'an empty list of nodes', text: 'policies:\n  - { rule: no-changes-on-node, node: [] }\n', expected: ['policy.yaml:2:39 expected a name or a list of names (got a list)'] },
    { reason: 'a limit that is not a whole number', text: 'policies:\n  - { rule: max-changes, limit: 2.5 }\n', expected: ['policy.yaml:2:33 Setting "limit" must be a whole number, got number 2.5'] },
    { reason: 'a file without policies:', text: 'policy:\n  - { rule: no-destroy }\n', expected: ['policy.yaml:1:1 Missing required key "policies" in the policy file', 'policy.yaml:1:1 Unsupported key "policy" in the policy file'] },
    { reason: 'a rule that is not a map', text: 'policies:\n  - no-destroy\n', expected: ['policy.yaml:2:5 Policy #1 must be a map, got string "no-destroy"'] },
    { reason: 'YAML syntax', text: 'policies:\n  - { rule: no-destroy\n', expected: [expect.stringMatching(/^policy\.yaml:3:1 YAML syntax error: /) as unknown as string] },
  ];
  for (const c of cases) {
    it(`reports ${c.reason} at file:line:col`, () => {
      expect(fileProblems(c.text)).toEqual(c.expected);
    });
  }
});
