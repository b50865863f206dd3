import { describe, expect, it } from 'vitest';
import type { VariableDecl } from '../../src/config/config-types.js';
import { parseConfig } from '../../src/config/parse-config.js';
import {
  collectVariableInputs,
  parseVarFile,
  parseVarFlags,
  resolveVariables,
  varsFromEnv,
  type VariableInputs,
} from '../../src/config/variable-inputs.js';
import { convertText, convertValue, parseVariableType } from '../../src/config/variable-type.js';
import { error } from '../../src/core/diagnostic.js';

function decls(text: string): Map<string, VariableDecl> {
  const r = parseConfig([{ path: 'vars.yaml', text }]);
  expect(r.diagnostics).toEqual([]);
  return r.config!.variables;
}

function text(raw: string, source = '--var'): VariableInputs extends Map<string, infer V> ? V : never {
  return { raw, kind: 'text', source };
}

describe('parseVariableType', () => {
  it.each([
    ['string', 'string'],
    ['bool', 'bool'],
    ['list(string)', 'list'],
    ['set(number)', 'list'],
    ['tuple([string, number])', 'list'],
    ['map(any)', 'map'],
    ['object({ a = string })', 'object'],
    [' any ', 'any'],
    ['boolean', undefined],
    ['string(x)', undefined],
  ])('%s → %s', (t, expected) => {
    expect(parseVariableType(t)).toBe(expected);
  });
});

describe('converting values', () => {
  it.each([
    ['42', 'number', 42],
    [' -1.5e3 ', 'number', -1500],
    ['true', 'bool', true],
    ['false', 'bool', false],
    ['["a", "b"]', 'list', ['a', 'b']],
    ['[107, 120]', 'list', [107, 120]],
    ['{a: 1}', 'map', { a: 1 }],
    ['{"a": {"b": [1]}}', 'object', { a: { b: [1] } }],
    ['[1]', 'any', '[1]'],
    ['42', 'string', '42'],
  ] as const)('text %j as %s', (input, type, expected) => {
    expect(convertText(input, type)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['lots', 'number', 'a number'],
    ['0x10', 'number', 'a number'],
    ['yes', 'bool', 'true or false'],
    ['a, b', 'list', 'a list'],
    ['[1', 'list', 'a list written as JSON or YAML'],
    ['[1]', 'map', 'a map'],
  ] as const)('text %j is not a %s', (input, type, expected) => {
    expect(convertText(input, type)).toEqual({ ok: false, expected });
  });

  it('converts typed values like Terraform', () => {
    expect(convertValue('42', 'number')).toEqual({ ok: true, value: 42 });
    expect(convertValue(42, 'string')).toEqual({ ok: true, value: '42' });
    expect(convertValue(true, 'string')).toEqual({ ok: true, value: 'true' });
    expect(convertValue('true', 'bool')).toEqual({ ok: true, value: true });
    expect(convertValue(null, 'number')).toEqual({ ok: true, value: null });
    expect(convertValue([1], 'string')).toEqual({ ok: false, expected: 'a string' });
    expect(convertValue({ a: 1 }, 'list')).toEqual({ ok: false, expected: 'a list' });
  });
});

describe('collecting inputs', () => {
  it('reads --var flags; the value is everything after the first =', () => {
    const r = parseVarFlags(['domain=maas', 'url=http://x?a=b', 'empty=']);
    expect(r.diagnostics).toEqual([]);
    expect([...r.inputs]).toEqual([
      ['domain', text('maas')],
      ['url', text('http://x?a=b')],
      ['empty', text('')],
    ]);
  });

  it('reports malformed --var flags', () => {
    const r = parseVarFlags(['domain', '=x', 'bad name=1']);
    expect(r.inputs.size).toBe(0);
    expect(r.diagnostics.map((d) => d.summary)).toEqual([
      'Invalid --var "domain": expected NAME=VALUE',
      'Invalid --var "=x": "" is not a variable name',
      'Invalid --var "bad name=1": "bad name" is not a variable name',
    ]);
  });

  it('reads HL_VAR_ environment variables only', () => {
    const inputs = varsFromEnv({ HL_VAR_domain: 'maas', PATH: '/bin', HL_VAR_: 'x', HL_VARdomain: 'y' });
    expect([...inputs]).toEqual([['domain', text('maas', 'environment variable HL_VAR_domain')]]);
  });

  it('reads typed values from a var file, with locations', () => {
    const r = parseVarFile({ path: 'prod.yaml', text: 'domain: maas\nvmids: [107, 120]\n' });
    expect(r.diagnostics).toEqual([]);
    expect(r.inputs.get('vmids')).toEqual({ raw: [107, 120], kind: 'value', source: '--var-file prod.yaml', loc: { file: 'prod.yaml', line: 2, col: 1 } });
  });

  it('accepts JSON var files', () => {
    expect(parseVarFile({ path: 'prod.json', text: '{"domain": "maas"}' }).inputs.get('domain')!.raw).toBe('maas');
  });

  it('reports a var file that is not a map of names, or not YAML', () => {
    expect(parseVarFile({ path: 'x.yaml', text: '- a\n' }).diagnostics[0]).toMatchObject({
      summary: 'Variable file "x.yaml" must be a map of variable names to values',
      location: { file: 'x.yaml', line: 1, col: 1 },
    });
    expect(parseVarFile({ path: 'x.yaml', text: 'a: [\n' }).diagnostics[0]!.summary).toMatch(/^YAML syntax error/);
    expect(parseVarFile({ path: 'x.yaml', text: 'bad name: 1\n' }).diagnostics[0]).toMatchObject({
      summary: 'Invalid variable name "bad name" in variable file',
      location: { file: 'x.yaml', line: 1, col: 1 },
    });
  });

  it('applies precedence environment < var files (in order) < --var', () => {
    const r = collectVariableInputs({
      env: { HL_VAR_a: 'env', HL_VAR_b: 'env', HL_VAR_c: 'env', HL_VAR_d: 'env' },
      varFiles: [
        { path: 'one.yaml', text: 'b: one\nc: one\nd: one\n' },
        { path: 'two.yaml', text: 'c: two\nd: two\n' },
      ],
      vars: ['d=flag', 'd=flag2'],
    });
    expect(r.diagnostics).toEqual([]);
    expect(Object.fromEntries([...r.inputs].map(([k, v]) => [k, [v.raw, v.source]]))).toEqual({
      a: ['env', 'environment variable HL_VAR_a'],
      b: ['one', '--var-file one.yaml'],
      c: ['two', '--var-file two.yaml'],
      d: ['flag2', '--var'],
    });
  });
});

describe('resolveVariables', () => {
  const declared = decls(`variables:
  pve_token_secret: { type: string, sensitive: true }
  domain: { type: string, default: maas }
  vmid: { type: number, default: 100 }
  enabled: { type: bool, default: false }
  vmids: { type: list(number), default: [] }
  tags: { type: map, default: {} }
  anything: { default: ~ }
`);

  it('converts inputs to the declared types and applies defaults', () => {
    const inputs: VariableInputs = new Map([
      ['pve_token_secret', text('s3cret')],
      ['vmid', text('42')],
      ['enabled', text('true', 'environment variable HL_VAR_enabled')],
      ['vmids', text('[107, 120]')],
      ['tags', { raw: { env: 'prod' }, kind: 'value', source: '--var-file x.yaml' }],
    ]);
    const r = resolveVariables(declared, inputs);
    expect(r.diagnostics).toEqual([]);
    expect(Object.fromEntries([...r.values].map(([k, v]) => [k, v.value]))).toEqual({
      pve_token_secret: 's3cret',
      domain: 'maas',
      vmid: 42,
      enabled: true,
      vmids: [107, 120],
      tags: { env: 'prod' },
      anything: null,
    });
    expect(r.values.get('pve_token_secret')).toEqual({ value: 's3cret', source: '--var', sensitive: true });
    expect(r.values.get('domain')!.source).toBe('default');
  });

  it('reports a missing required variable at its declaration, saying how to set it', () => {
    const r = resolveVariables(declared, new Map());
    expect(r.diagnostics).toEqual([
      error(
        'No value for required variable "pve_token_secret"',
        { file: 'vars.yaml', line: 2, col: 3 },
        'Set it with --var pve_token_secret=VALUE, in a --var-file, or with the environment variable HL_VAR_pve_token_secret.',
      ),
    ]);
  });

  it('reports a value of the wrong type, never showing a sensitive one', () => {
    const inputs: VariableInputs = new Map([
      ['pve_token_secret', { raw: [1], kind: 'value', source: '--var-file s.yaml', loc: { file: 's.yaml', line: 1, col: 1 } }],
      ['vmid', text('lots')],
    ]);
    const r = resolveVariables(declared, inputs);
    expect(r.diagnostics.map((d) => [d.summary, d.location])).toEqual([
      ['Invalid value for variable "pve_token_secret" from --var-file s.yaml: must be a string, got a list', { file: 's.yaml', line: 1, col: 1 }],
      ['Invalid value for variable "vmid" from --var: must be a number, got string "lots"', { file: 'vars.yaml', line: 4, col: 3 }],
    ]);
    const secret = decls('variables:\n  pin: { type: number, sensitive: true }\n');
    expect(resolveVariables(secret, new Map([['pin', text('12ab')]])).diagnostics[0]!.summary).toBe(
      'Invalid value for variable "pin" from --var: must be a number, got string (sensitive value)',
    );
  });

  it('reports undeclared inputs with a did-you-mean; only a warning from the environment', () => {
    const inputs: VariableInputs = new Map([
      ['pve_token_secret', text('x')],
      ['domian', text('maas')],
      ['HOME', text('/root', 'environment variable HL_VAR_HOME')],
    ]);
    const r = resolveVariables(declared, inputs);
    expect(r.diagnostics.map((d) => [d.severity, d.summary])).toEqual([
      ['error', 'Value given for undeclared variable "domian" (from --var). Did you mean "domain"?'],
      ['warning', 'Value given for undeclared variable "HOME" (from environment variable HL_VAR_HOME)'],
    ]);
  });

  it('runs validation rules through the hook when given one', () => {
    const withRule = decls('variables:\n  vmid:\n    type: number\n    validation: { condition: "${var.vmid >= 100}", error_message: too small }\n');
    const seen: unknown[] = [];
    const r = resolveVariables(withRule, new Map([['vmid', text('7')]]), {
      checkValidations: (decl, value) => {
        seen.push([decl.name, value]);
        return [error(decl.validations[0]!.errorMessage, decl.validations[0]!.loc)];
      },
    });
    expect(seen).toEqual([['vmid', 7]]);
    expect(r.diagnostics.map((d) => d.summary)).toEqual(['too small']);
  });
});
