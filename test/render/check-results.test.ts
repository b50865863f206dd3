/**
 * Custom conditions in the plan's views: the `Checks:` section of the human plan (check
 * blocks, and the conditions left for apply) and Terraform's `checks` in the plan JSON,
 * valid against schemas/plan-json.schema.json.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { renderPlanHuman } from '../../src/render/plan-human.js';
import { planToShowJson } from '../../src/render/plan-json.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { planScenario } from '../support/plan-harness.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/plan-json.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

const YAML = `
resources:
  fake_resource.vm:
    for_each: [a, b]
    name: \${each.key}
    value: 3
    lifecycle:
      postcondition: { condition: "\${self.id != \\"\\"}", error_message: no id }
checks:
  big_enough:
    assert: { condition: "\${fake_resource.vm[\\"a\\"].value > 10}", error_message: "value is \${fake_resource.vm[\\"a\\"].value}" }
  named:
    assert: { condition: "\${fake_resource.vm[\\"b\\"].name == \\"b\\"}", error_message: renamed }
  has_id:
    assert: { condition: "\${fake_resource.vm[\\"a\\"].id != \\"\\"}", error_message: no id }
`;

describe('check results in the plan views', () => {
  it('the human plan lists every check block and the conditions left for apply, and warns of the failed one', () => {
    const plan = planScenario({ yaml: YAML }).plan!;
    const text = renderPlanHuman(plan, { color: false });
    expect(text).toContain(
      [
        'Checks:',
        '  check.big_enough: failed: value is 3',
        '  check.named: passed',
        '  check.has_id: will be checked after apply (known after apply)',
        '  fake_resource.vm["a"]: postcondition will be checked after apply (known after apply)',
        '  fake_resource.vm["b"]: postcondition will be checked after apply (known after apply)',
      ].join('\n'),
    );
    expect(text).toMatch(/Warning: check\.big_enough: assertion failed: value is 3\n/);
  });

  it('the plan JSON has Terraform-shaped checks, valid against the schema', () => {
    const json = JSON.parse(JSON.stringify(planToShowJson(planScenario({ yaml: YAML }).plan!, '0.1.0'))) as { checks: unknown };
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    expect(json.checks).toEqual([
      {
        address: { kind: 'resource', to_display: 'fake_resource.vm', mode: 'managed', type: 'fake_resource', name: 'vm' },
        status: 'unknown',
        instances: [
          { address: { to_display: 'fake_resource.vm["a"]', instance_key: 'a' }, status: 'unknown' },
          { address: { to_display: 'fake_resource.vm["b"]', instance_key: 'b' }, status: 'unknown' },
        ],
      },
      {
        address: { kind: 'check', to_display: 'check.big_enough', name: 'big_enough' },
        status: 'fail',
        instances: [{ address: { to_display: 'check.big_enough' }, status: 'fail', problems: [{ message: 'value is 3' }] }],
      },
      {
        address: { kind: 'check', to_display: 'check.named', name: 'named' },
        status: 'pass',
        instances: [{ address: { to_display: 'check.named' }, status: 'pass' }],
      },
      {
        address: { kind: 'check', to_display: 'check.has_id', name: 'has_id' },
        status: 'unknown',
        instances: [{ address: { to_display: 'check.has_id' }, status: 'unknown' }],
      },
    ]);
  });

  it('the Markdown plan has a checks table', () => {
    const md = renderPlanMarkdown(planScenario({ yaml: YAML }).plan!);
    expect(md).toContain(
      [
        '#### Checks: 1 failed, 1 passed, 3 known after apply',
        '',
        '| Result | Check | Message |',
        '| --- | --- | --- |',
        '| ⚠️ fail | `check.big_enough` | value is 3 |',
        '| ✅ pass | `check.named` |  |',
        '| ⏳ after apply | `check.has_id` |  |',
        '| ⏳ after apply | `fake_resource.vm["a"]` postcondition |  |',
        '| ⏳ after apply | `fake_resource.vm["b"]` postcondition |  |',
      ].join('\n'),
    );
  });

  it('a plan without conditions has no Checks section and no checks in its JSON', () => {
    const plan = planScenario({ yaml: 'resources:\n  fake_resource.vm: { name: vm }\n' }).plan!;
    expect(renderPlanHuman(plan, { color: false })).not.toContain('Checks:');
    expect(renderPlanMarkdown(plan)).not.toContain('Checks');
    expect('checks' in planToShowJson(plan, '0.1.0')).toBe(false);
  });
});
