import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import type { ScalarNode } from '../../src/yaml/node.js';
import { evaluateExpressionText, evaluateNode } from '../../src/lang/evaluate-node.js';
import { nodeReferences } from '../../src/lang/node-references.js';
import { FILE, loc, makeCtx, scalar } from './helpers.js';

const ctx = makeCtx({
  variables: { name: 'k3s', obj: { name: 'x', id: 1 }, l: ['a', 'b'], nothing: null, m: { pve: 1 } },
  locals: { n: 5 },
  resources: { 'proxmox_vm.k3s': { pve: { name: 'a' } } },
});

/** Where (line:col) and what the first diagnostic of a scalar at 3:11 is. */
function firstError(text: string, style?: ScalarNode['style']): string {
  const node = scalar(text, 3, 11, style);
  const d: Diagnostic | undefined = evaluateNode(node, ctx).diagnostics[0];
  if (!d) return 'no error';
  return `${d.location!.line}:${d.location!.col} ${d.summary}`;
}

describe('error messages and locations in a plain scalar at 3:11', () => {
  const cases: { text: string; want: string }[] = [
    // syntax
    { text: 'x ${var.name', want: '3:13 Unterminated template: missing "}"' },
    { text: '${"abc}', want: '3:13 Unterminated string: missing closing """' },
    { text: '${[1, 2}', want: '3:18 Invalid expression: expected "," or "]", got "}"' },
    { text: '${[1, 2', want: '3:13 Unclosed "[": missing "]"' },
    { text: '${foo(1}', want: '3:18 Invalid expression: expected "," or ")", got "}"' },
    { text: 'a ${} b', want: '3:13 Invalid template: empty "${}"; write an expression between the braces' },
    { text: '${1 +}', want: '3:16 Invalid expression: expected an expression, got "}"' },
    { text: '${var.name @ 1}', want: '3:22 Invalid character "@" in expression' },
    { text: "${'a'}", want: '3:13 Invalid character "\'": strings are written in double quotes ("...")' },
    { text: '${1 & 2}', want: '3:15 Invalid character "&": did you mean "&&"?' },
    { text: '${"\\q"}', want: '3:14 Invalid escape sequence "\\q": expected one of \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN' },
    { text: '${var.name var.name}', want: '3:22 Invalid expression: expected an operator or "}" to close the template, got "var"' },
    { text: '${var}', want: '3:13 Invalid reference: "var" cannot be used on its own; expected a variable name (as in var.NAME)' },
    { text: '${data.maas_subnet}', want: '3:13 Invalid reference: "data.maas_subnet" cannot be used on its own; expected the data source name (as in data.TYPE.NAME)' },
    { text: '${each.nope}', want: '3:18 Invalid reference: "each" has no attribute "nope"; expected each.key or each.value' },
    { text: '${name}', want: '3:13 Invalid reference: "name" is not a known name' },
    { text: '${for x in var.l : x}', want: '3:13 Invalid expression: a "for" expression must be enclosed in [ ] or { }' },
    { text: '${[for x var.l : x]}', want: '3:20 Invalid "for" expression: expected "in", got "var"' },
    { text: '${{ a b }}', want: '3:17 Invalid object: expected "=" or ":" after the key "a", got "b"' },
    // evaluation
    { text: '${var.nmae}', want: '3:13 Reference to undeclared variable "nmae". Did you mean "name"?' },
    { text: '${local.x}', want: '3:13 Reference to undeclared local value "x"' },
    { text: 'vm-${var.obj.nmae}', want: '3:24 Unsupported attribute: this object has no attribute "nmae". Did you mean "name"?' },
    { text: '${var.l[5]}', want: '3:19 Invalid index: the list has 2 elements, index 5 is out of range' },
    { text: '${var.l[-1]}', want: '3:19 Invalid index: the list has 2 elements, index -1 is out of range' },
    { text: '${var.l[1.5]}', want: '3:19 Invalid index: a list index must be a whole number, got 1.5' },
    { text: '${var.l["x"]}', want: '3:19 Invalid index: a list is indexed by a number, got string "x"' },
    { text: '${var.m["pev"]}', want: '3:19 Invalid index: the map has no element with key "pev". Did you mean "pve"?' },
    { text: '${var.name[0]}', want: '3:22 Invalid index: a string value cannot be indexed' },
    { text: '${var.nothing[0]}', want: '3:25 Invalid index: cannot index a null value' },
    { text: '${var.nothing.x}', want: '3:25 Attempt to get attribute "x" from a null value' },
    { text: '${var.l.name}', want: '3:19 Unsupported attribute: a list has no attribute "name"; use [*].name to take it from every element, or [INDEX].name for one' },
    { text: '${var.name.x}', want: '3:22 Unsupported attribute: a string value has no attribute "x"' },
    { text: '${"a" + 1}', want: '3:13 Invalid operand: "+" expects numbers, got string' },
    { text: '${1 * true}', want: '3:17 Invalid operand: "*" expects numbers, got bool' },
    { text: '${1 / 0}', want: '3:17 Invalid operand: division by zero in "/"' },
    { text: '${1 && true}', want: '3:13 Invalid operand: "&&" expects bools, got number' },
    { text: '${!"x"}', want: '3:14 Invalid operand: "!" expects a bool, got string' },
    { text: '${-"x"}', want: '3:14 Invalid operand: unary "-" expects a number, got string' },
    { text: '${"x" ? 1 : 2}', want: '3:13 Invalid condition: expected a bool, got string' },
    { text: 'a-${var.l}', want: '3:15 Invalid template interpolation value: cannot include a list in a string' },
    { text: 'a-${var.nothing}', want: '3:15 Invalid template interpolation value: the expression result is null, and null cannot be included in a string' },
    { text: '${each.key}', want: '3:13 Invalid reference: "each.key" can only be used in a block that sets for_each' },
    { text: '${count.index}', want: '3:13 Invalid reference: "count.index" can only be used in a block that sets count' },
    { text: '${self.name}', want: '3:13 Invalid reference: "self.name" is not available here' },
    { text: '${proxmox_vm.k8s.name}', want: '3:13 Reference to undeclared resource "proxmox_vm.k8s"' },
    { text: '${data.maas_subnet.lan.cidr}', want: '3:13 Reference to undeclared data source "data.maas_subnet.lan"' },
    { text: '${proxmox_vm.k3s["still"].name}', want: '3:28 Invalid index: the map has no element with key "still"' },
    { text: '${{ a = 1, a = 2 }}', want: '3:22 Duplicate object key "a": each key may appear only once' },
    { text: '${{ for x in ["a", "a"] : x => 1 }}', want: '3:37 Duplicate object key "a" in a "for" expression' },
    { text: '${[for x in 5 : x]}', want: '3:23 Invalid "for" collection: cannot iterate over a number; expected a list or map' },
    { text: '${[for x in var.l : x if 1]}', want: '3:36 Invalid "for" condition: expected a bool, got number' },
    { text: '${upper(1)}', want: '3:19 upper: argument 1 must be a string, got number' },
    { text: '${lenght(var.l)}', want: '3:13 Call to unknown function "lenght". Did you mean "length"?' },
    { text: '${{ (var.l) = 1 }}', want: '3:16 Invalid object key: expected a string, got list' },
  ];
  it.each(cases)('$text', ({ text, want }) => {
    expect(firstError(text)).toBe(want);
  });
});

describe('columns depend on how the scalar was written', () => {
  it.each([
    // loc is the opening quote; an escaped quote took two source characters
    ['double', 'a"b ${var.nmae}', '3:19'],
    // '' is one quote in a single-quoted scalar
    ['single', "it's ${var.nmae}", '3:20'],
    ['plain', 'it ${var.nmae}', '3:16'],
    // block scalars: the scalar's own location
    ['block', 'line one\n${var.nmae}', '3:11'],
  ] as [ScalarNode['style'], string, string][])('%s', (style, text, where) => {
    expect(firstError(text, style).split(' ')[0]).toBe(where);
  });

  it('uses the scalar location for multi-line values', () => {
    expect(firstError('a\n${var.nmae}').split(' ')[0]).toBe('3:11');
  });
});

describe('expression texts are located exactly across lines', () => {
  it('counts lines and columns from the start location', () => {
    const r = evaluateExpressionText('[\n  var.name,\n  var.nmae,\n]', loc(10, 5), ctx);
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        summary: 'Reference to undeclared variable "nmae". Did you mean "name"?',
        detail: 'Declare it under "variables:" before using var.nmae.',
        location: { file: FILE, line: 12, col: 3 },
      },
    ]);
  });

  it('on the first line, columns continue from the start column', () => {
    expect(evaluateExpressionText('1 + "a"', loc(2, 7), ctx).diagnostics[0]?.location).toEqual({ file: FILE, line: 2, col: 11 });
  });
});

describe('details that explain the fix', () => {
  it('explains hyphenated names for an attribute', () => {
    const d = evaluateNode(scalar('${var.obj.id-1}'), ctx).diagnostics[0]!;
    expect(d.summary).toBe('Unsupported attribute: this object has no attribute "id-1"');
    expect(d.detail).toBe('Names may contain "-", so "id-1" is read as one name. For subtraction, put spaces around the minus: id - 1.');
  });

  it('explains hyphenated names for count.index-1 at parse time', () => {
    const d = nodeReferences(scalar('${count.index-1}')).diagnostics[0]!;
    expect(d.summary).toBe('Invalid reference: "count" has no attribute "index-1"; expected count.index');
    expect(d.detail).toContain('count.index - 1');
    expect(evaluateNode(scalar('${local.n-1}'), ctx).diagnostics[0]?.detail).toContain('local.n - 1');
  });

  it('suggests templates for string concatenation with +', () => {
    expect(evaluateNode(scalar('${"a" + "b"}'), ctx).diagnostics[0]?.detail).toBe('To join strings, use a template: "${a}${b}".');
  });
});
