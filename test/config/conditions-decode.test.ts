/**
 * Custom conditions in the config: lifecycle precondition/postcondition and check blocks,
 * decoded and checked (their shape, where `self` may be used, their references) at
 * file:line:col, and the references of a resource's conditions ordering it.
 */
import { describe, expect, it } from 'vitest';
import { formatLocation, type Diagnostic } from '../../src/core/diagnostic.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { buildConfigGraph } from '../../src/graph/build-config-graph.js';

function load(text: string) {
  const parsed = parseConfig([{ path: 'main.yaml', text }]);
  if (!parsed.config) return { config: undefined, diagnostics: parsed.diagnostics };
  const g = buildConfigGraph(parsed.config);
  return { config: parsed.config, graph: g.graph, diagnostics: [...parsed.diagnostics, ...g.diagnostics] };
}

const errors = (ds: Diagnostic[]): string[] =>
  ds.filter((d) => d.severity === 'error').map((d) => `${d.location ? formatLocation(d.location) : '-'} ${d.summary}`);

const VM = (lifecycle: string) => `
variables:
  memory: { type: number, default: 4096 }
resources:
  fake_resource.a: { name: a }
  fake_resource.vm:
    name: vm
    lifecycle:
${lifecycle}
`;

describe('custom conditions in the config', () => {
  const cases: { reason: string; yaml: string; errors: string[] }[] = [
    {
      reason: 'a rule without error_message is refused at the rule',
      yaml: VM('      precondition:\n        - condition: ${var.memory >= 2048}\n'),
      errors: ['main.yaml:10:11 Missing required attribute "lifecycle.precondition[0].error_message" in fake_resource.vm'],
    },
    {
      reason: 'a condition that is a plain string is not an expression',
      yaml: VM('      precondition: { condition: "var.memory >= 2048", error_message: too small }\n'),
      errors: [
        'main.yaml:9:34 condition must be an expression that gives true or false, such as "${var.memory >= 2048}" (got string "var.memory >= 2048")',
      ],
    },
    {
      reason: 'a condition that is a number is not an expression of bool',
      yaml: VM('      postcondition: { condition: 1, error_message: too small }\n'),
      errors: ['main.yaml:9:35 condition must be an expression that gives true or false, such as "${var.memory >= 2048}" (got number 1)'],
    },
    {
      reason: 'self is refused in a precondition',
      yaml: VM('      precondition: { condition: "${self.name != \\"\\"}", error_message: no name }\n'),
      errors: ['main.yaml:9:37 "self" is not supported here'],
    },
    {
      reason: 'self is refused in an attribute',
      yaml: '\nresources:\n  fake_resource.vm: { name: "${self.id}" }\n',
      errors: ['main.yaml:3:32 "self" is not supported here'],
    },
    {
      reason: 'self is refused in a check block',
      yaml: '\nchecks:\n  up:\n    assert: { condition: "${self.id != null}", error_message: down }\n',
      errors: ['main.yaml:4:29 "self" is not supported here'],
    },
    {
      reason: 'a check refers only to what is declared',
      yaml: '\nchecks:\n  up:\n    assert: [{ condition: "${fake_resource.nope.id != null}", error_message: down }]\n',
      errors: ['main.yaml:4:30 Reference to undeclared resource "fake_resource.nope"'],
    },
    {
      reason: 'a check needs assert, and nothing else',
      yaml: '\nchecks:\n  up:\n    asert: { condition: "${true}", error_message: down }\n',
      errors: [
        'main.yaml:4:5 Missing required key "checks.up.assert" in the configuration file',
        'main.yaml:4:5 Unsupported key "checks.up.asert" in the configuration file. Did you mean "assert"?',
      ],
    },
    {
      reason: 'self and references in a postcondition are accepted',
      yaml: VM('      postcondition:\n        condition: ${self.name == fake_resource.a.name}\n        error_message: "${self.name} is wrong"\n'),
      errors: [],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(errors(load(c.yaml).diagnostics)).toEqual(c.errors);
    });
  }

  it('decodes one rule or a list, with the location of each condition', () => {
    const { config } = load(
      VM(
        '      precondition:\n        - { condition: "${var.memory >= 2048}", error_message: small }\n        - { condition: true, error_message: never }\n      postcondition: { condition: "${self.id != null}", error_message: "no id" }\n',
      ),
    );
    const lc = config!.resources.get('fake_resource.vm')!.lifecycle;
    expect(lc.preconditions!.map((r) => formatLocation(r.loc))).toEqual(['main.yaml:10:24', 'main.yaml:11:24']);
    expect(lc.postconditions).toHaveLength(1);
  });

  it('a resource is ordered after what its conditions refer to; a check orders nothing', () => {
    const { graph, config } = load(`
resources:
  fake_resource.a: { name: a }
  fake_resource.b: { name: b }
  fake_resource.vm:
    name: vm
    lifecycle:
      precondition: { condition: "\${fake_resource.a.name == \\"a\\"}", error_message: no }
      postcondition: { condition: "\${self.name != fake_resource.b.name}", error_message: "\${fake_resource.b.id}" }
checks:
  vm_named:
    assert: { condition: "\${fake_resource.vm.name == \\"vm\\"}", error_message: renamed }
`);
    expect(graph!.resourceDeps.get('fake_resource.vm')).toEqual(['fake_resource.a', 'fake_resource.b']);
    expect([...config!.checks!.keys()]).toEqual(['vm_named']);
    expect(graph!.order.some((id) => id.startsWith('check.'))).toBe(false);
    expect(graph!.resourceDeps.get('fake_resource.a')).toEqual([]);
  });

  it('refuses a second check of the same name in another file', () => {
    const check = 'checks:\n  up: { assert: { condition: true, error_message: x } }\n';
    const parsed = parseConfig([
      { path: 'a.yaml', text: check },
      { path: 'b.yaml', text: check },
    ]);
    expect(errors(parsed.diagnostics)).toEqual(['b.yaml:2:3 Duplicate check "up"; first declared at a.yaml:2:3']);
  });
});
