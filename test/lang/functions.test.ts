import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../src/core/value.js';
import { FUNCTION_NAMES } from '../../src/lang/functions.js';
import { errorOf, evalExpr, makeCtx, valueOf } from './helpers.js';

const ctx = makeCtx({
  variables: { m: { b: 2, a: 1 }, l: ['x', 'y'] },
  files: { '/cfg/cloud-init.yaml': '#cloud-config\n', '/etc/abs.txt': 'abs' },
});

interface Case {
  expr: string;
  want: Value;
}

const cases: Record<string, Case[]> = {
  format: [
    { expr: 'format("%s-%d", "vm", 7)', want: 'vm-7' },
    { expr: 'format("%03d|%-4s|%4s|", 7, "ab", "cd")', want: '007|ab  |  cd|' },
    { expr: 'format("%.2f", 3.14159)', want: '3.14' },
    { expr: 'format("%f", 1.5)', want: '1.500000' },
    { expr: 'format("%q", "a\\"b")', want: '"a\\"b"' },
    { expr: 'format("%v %v %v %v", "s", 1, true, null)', want: 's 1 true null' },
    { expr: 'format("%v", { b = [1], a = "x" })', want: '{"a":"x","b":[1]}' },
    { expr: 'format("100%%")', want: '100%' },
    { expr: 'format("%x %X %o %b", 255, 255, 8, 5)', want: 'ff FF 10 101' },
    { expr: 'format("%+d %e", 5, 1234.5)', want: '+5 1.234500e+03' },
    { expr: 'format("%t", true)', want: 'true' },
    { expr: 'format("%[2]s %[1]s", "a", "b")', want: 'b a' },
    { expr: 'format("%g %g", 100000, 1000000)', want: '100000 1e+06' },
  ],
  formatlist: [
    { expr: 'formatlist("%s=%s", ["a", "b"], ["1", "2"])', want: ['a=1', 'b=2'] },
    { expr: 'formatlist("host-%s", ["a", "b"])', want: ['host-a', 'host-b'] },
    { expr: 'formatlist("%s:%d", ["a", "b"], 22)', want: ['a:22', 'b:22'] },
  ],
  strings: [
    { expr: 'join(", ", ["a", "b", "c"])', want: 'a, b, c' },
    { expr: 'join("-", ["a"], ["b", 1])', want: 'a-b-1' },
    { expr: 'split(",", "a,b,,c")', want: ['a', 'b', '', 'c'] },
    { expr: 'split(",", "")', want: [''] },
    { expr: 'lower("ABC")', want: 'abc' },
    { expr: 'upper("abc")', want: 'ABC' },
    { expr: 'title("hello wide-world")', want: 'Hello Wide-World' },
    { expr: 'trimspace("  a b \\n")', want: 'a b' },
    { expr: 'trim("?!hello?!", "!?")', want: 'hello' },
    { expr: 'trimprefix("vm-101", "vm-")', want: '101' },
    { expr: 'trimprefix("ct-101", "vm-")', want: 'ct-101' },
    { expr: 'trimsuffix("disk.qcow2", ".qcow2")', want: 'disk' },
    { expr: 'replace("a.b.c", ".", "-")', want: 'a-b-c' },
    { expr: 'replace("a$b", "$", "$$")', want: 'a$$b' },
    { expr: 'replace("vm-101 vm-102", "/vm-(\\\\d+)/", "id$1")', want: 'id101 id102' },
    { expr: 'replace("hello", "/(?P<first>h)/", "$${first}H")', want: 'hHello' },
    { expr: 'replace("ABC", "/(?i)b/", "x")', want: 'AxC' },
    { expr: 'substr("hello world", 1, 4)', want: 'ello' },
    { expr: 'substr("hello world", -5, -1)', want: 'world' },
    { expr: 'substr("héllo", 1, 1)', want: 'é' },
    { expr: 'startswith("pve-1", "pve")', want: true },
    { expr: 'endswith("pve-1", "-2")', want: false },
    { expr: 'strcontains("pumped-piglet", "pig")', want: true },
    { expr: 'chomp("line\\n\\n")', want: 'line' },
    { expr: 'strrev("abc")', want: 'cba' },
  ],
  collections: [
    { expr: 'length([1, 2, 3])', want: 3 },
    { expr: 'length({ a = 1 })', want: 1 },
    { expr: 'length("héllo")', want: 5 },
    { expr: 'lookup({ a = 1 }, "a")', want: 1 },
    { expr: 'lookup({ a = 1 }, "b", "dflt")', want: 'dflt' },
    { expr: 'merge({ a = 1, b = 1 }, null, { b = 2 })', want: { a: 1, b: 2 } },
    { expr: 'merge()', want: {} },
    { expr: 'concat([1], [], [2, 3])', want: [1, 2, 3] },
    { expr: 'contains(["a", "b"], "b")', want: true },
    { expr: 'contains([[1]], [1])', want: true },
    { expr: 'keys(var.m)', want: ['a', 'b'] },
    { expr: 'values(var.m)', want: [1, 2] },
    { expr: 'flatten([1, [2, [3, []]], []])', want: [1, 2, 3] },
    { expr: 'distinct(["a", "b", "a", 1, "1", 1])', want: ['a', 'b', 1, '1'] },
    { expr: 'distinct([[1], [1], [2]])', want: [[1], [2]] },
    { expr: 'element(["a", "b"], 3)', want: 'b' },
    { expr: 'index(["a", "b"], "b")', want: 1 },
    { expr: 'range(3)', want: [0, 1, 2] },
    { expr: 'range(1, 4)', want: [1, 2, 3] },
    { expr: 'range(10, 0, -4)', want: [10, 6, 2] },
    { expr: 'range(0)', want: [] },
    { expr: 'zipmap(["a", "b"], [1, 2])', want: { a: 1, b: 2 } },
    { expr: 'coalesce(null, "", "x", "y")', want: 'x' },
    { expr: 'coalesce(null, 0)', want: 0 },
    { expr: 'coalescelist([], [1])', want: [1] },
    { expr: 'compact(["a", "", null, "b"])', want: ['a', 'b'] },
    { expr: 'slice(["a", "b", "c"], 1, 3)', want: ['b', 'c'] },
    { expr: 'reverse([1, 2])', want: [2, 1] },
    { expr: 'sort(["b", "a", "C"])', want: ['C', 'a', 'b'] },
    { expr: 'sum([1, 2.5])', want: 3.5 },
    { expr: 'alltrue([true, true])', want: true },
    { expr: 'anytrue([false])', want: false },
    { expr: 'one([])', want: null },
    { expr: 'one(["x"])', want: 'x' },
    { expr: 'chunklist([1, 2, 3], 2)', want: [[1, 2], [3]] },
    { expr: 'setunion(["a"], ["b", "a"])', want: ['a', 'b'] },
    { expr: 'setintersection(["a", "b"], ["b", "c"])', want: ['b'] },
    { expr: 'setsubtract(["a", "b"], ["b"])', want: ['a'] },
  ],
  numeric: [
    { expr: 'min(3, 1, 2)', want: 1 },
    { expr: 'max(3, 1, 2)', want: 3 },
    { expr: 'abs(-2.5)', want: 2.5 },
    { expr: 'ceil(1.2)', want: 2 },
    { expr: 'floor(-1.2)', want: -2 },
    { expr: 'pow(2, 10)', want: 1024 },
    { expr: 'signum(-4)', want: -1 },
    { expr: 'parseint("ff", 16)', want: 255 },
    { expr: 'parseint("-101", 2)', want: -5 },
    { expr: 'log(8, 2)', want: 3 },
  ],
  conversion: [
    { expr: 'tostring(5)', want: '5' },
    { expr: 'tostring(true)', want: 'true' },
    { expr: 'tostring(null)', want: null },
    { expr: 'tonumber("42")', want: 42 },
    { expr: 'tonumber(" 1.5 ")', want: 1.5 },
    { expr: 'tobool("true")', want: true },
    { expr: 'tobool(false)', want: false },
    { expr: 'tolist(["a"])', want: ['a'] },
    { expr: 'toset(["b", "a", "b"])', want: ['a', 'b'] },
    { expr: 'toset([3, 1, 3, 2])', want: [1, 2, 3] },
    { expr: 'toset(["b", 1])', want: ['1', 'b'] },
    { expr: 'tomap({ a = 1 })', want: { a: 1 } },
  ],
  encoding: [
    { expr: 'jsonencode({ b = [1, true, null], a = "x" })', want: '{"a":"x","b":[1,true,null]}' },
    { expr: 'jsondecode("{\\"a\\": [1, 2.5, \\"x\\", null, false]}")', want: { a: [1, 2.5, 'x', null, false] } },
    { expr: 'yamlencode({ a = 1 })', want: 'a: 1\n' },
    { expr: 'yamldecode("a: [1, x]")', want: { a: [1, 'x'] } },
    { expr: 'base64encode("héllo")', want: 'aMOpbGxv' },
    { expr: 'base64decode("aMOpbGxv")', want: 'héllo' },
    { expr: 'urlencode("a b&c")', want: 'a+b%26c' },
  ],
  hashing: [
    { expr: 'md5("hl")', want: createHash('md5').update('hl').digest('hex') },
    { expr: 'sha1("hl")', want: createHash('sha1').update('hl').digest('hex') },
    { expr: 'sha256("hl")', want: createHash('sha256').update('hl').digest('hex') },
    { expr: 'sha256("")', want: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
    { expr: 'base64sha256("")', want: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' },
  ],
  files: [
    { expr: 'file("cloud-init.yaml")', want: '#cloud-config\n' },
    { expr: 'file("/etc/abs.txt")', want: 'abs' },
    { expr: 'fileexists("cloud-init.yaml")', want: true },
    { expr: 'fileexists("nope")', want: false },
  ],
  'try and can': [
    { expr: 'try(var.m.c, var.m.a)', want: 1 },
    { expr: 'try(var.m.b, "d")', want: 2 },
    { expr: 'try(tonumber("x"), 0)', want: 0 },
    { expr: 'can(var.m.c)', want: false },
    { expr: 'can(var.m.a)', want: true },
    { expr: '[for x in ["1", "a"] : try(tonumber(x), -1)]', want: [1, -1] },
  ],
};

for (const [family, rows] of Object.entries(cases)) {
  describe(family, () => {
    it.each(rows)('$expr', ({ expr, want }) => {
      expect(valueOf(expr, ctx)).toEqual(want);
    });
  });
}

describe('argument checking and function errors', () => {
  const errors: { expr: string; message: string }[] = [
    { expr: 'join(5, ["a"])', message: 'join: argument 1 must be a string, got number' },
    { expr: 'join(",", [[1]])', message: 'join: argument 2 must be a list of strings, element 0 is list' },
    { expr: 'upper()', message: 'upper: expected 1 argument, got 0' },
    { expr: 'upper("a", "b")', message: 'upper: expected 1 argument, got 2' },
    { expr: 'lookup({}, "k", 1, 2)', message: 'lookup: expected 2 to 3 arguments, got 4' },
    { expr: 'min()', message: 'min: expected at least 1 argument, got 0' },
    { expr: 'substr("abc", 1.5, 1)', message: 'substr: argument 2 must be a whole number, got 1.5' },
    { expr: 'length(null)', message: 'length: argument 1 must be a string, list or map, got null' },
    { expr: 'length(5)', message: 'length: argument 1 must be a string, list or map, got number' },
    { expr: 'lookup({ a = 1 }, "b")', message: 'lookup: the map has no key "b" and no default was given' },
    { expr: 'merge({}, [1])', message: 'merge: argument 2 must be a map, got list' },
    { expr: 'element([], 0)', message: 'element: cannot take an element of an empty list' },
    { expr: 'index(["a"], "z")', message: 'index: the value "z" is not in the list' },
    { expr: 'range(0, 1, 0)', message: 'range: step must not be zero' },
    { expr: 'range(2000)', message: 'range: more than 1024 values were generated; narrow the range or use a larger step' },
    { expr: 'zipmap(["a"], [1, 2])', message: 'zipmap: the keys list has 1 elements but the values list has 2' },
    { expr: 'coalesce(null, "")', message: 'coalesce: all arguments are null or empty strings; at least one must have a value' },
    { expr: 'tonumber("abc")', message: 'tonumber: cannot convert "abc" to a number' },
    { expr: 'tostring([1])', message: 'tostring: cannot convert a list to a string; use jsonencode() or join()' },
    { expr: 'tobool("yes")', message: 'tobool: cannot convert "yes" to a bool; expected true, false, "true" or "false"' },
    { expr: 'jsondecode("{")', message: expect.stringMatching(/^jsondecode: invalid JSON: /) as unknown as string },
    { expr: 'base64decode("!!")', message: 'base64decode: the string is not valid base64' },
    { expr: 'format("%d", 1.5)', message: 'format: %d at offset 0 requires a whole number, got 1.5' },
    { expr: 'format("%s %s", "a")', message: 'format: not enough arguments for "%s" at offset 3: it needs argument 3, but only 2 were given' },
    { expr: 'format("%s", "a", "b")', message: 'format: too many arguments: the format string uses 1 of 2' },
    { expr: 'format("%y", 1)', message: 'format: unrecognized format verb "%y" at offset 0' },
    { expr: 'format("%s", null)', message: 'format: %s at offset 0 cannot format a null value' },
    { expr: 'formatlist("%s%s", ["a"], ["b", "c"])', message: 'formatlist: all list arguments must have the same length; argument 3 has 2 elements, an earlier one 1' },
    { expr: 'replace("a", "/(/", "b")', message: expect.stringMatching(/^replace: invalid regular expression \/\(\/: /) as unknown as string },
    { expr: 'file("missing.txt")', message: 'file: no file exists at "missing.txt" (/cfg/missing.txt)' },
    { expr: 'lenght([1])', message: 'Call to unknown function "lenght". Did you mean "length"?' },
    { expr: 'frobnicate(1)', message: 'Call to unknown function "frobnicate"' },
    { expr: 'try(var.m.c, var.m.d)', message: 'try: none of the 2 arguments could be evaluated without an error; the first error was: Unsupported attribute: this object has no attribute "c"' },
    { expr: 'max("a"...)', message: 'Invalid expanding argument: "..." expands a list into arguments, got string' },
    { expr: 'sum([])', message: 'sum: cannot sum an empty list' },
    { expr: 'one([1, 2])', message: 'one: the list must have no more than one element, it has 2' },
  ];
  it.each(errors)('$expr', ({ expr, message }) => {
    expect(errorOf(expr, ctx)).toEqual(message);
  });

  it('reports that reading files is unavailable without readFile', () => {
    expect(errorOf('file("x")', makeCtx())).toBe('file: reading files is not available in this context');
  });
});

describe('FUNCTION_NAMES', () => {
  it('lists every required function, sorted, without impure ones', () => {
    const required = [
      'format', 'formatlist', 'join', 'split', 'lower', 'upper', 'title', 'trimspace', 'trim', 'trimprefix', 'trimsuffix',
      'replace', 'substr', 'length', 'lookup', 'merge', 'concat', 'contains', 'keys', 'values', 'flatten', 'distinct',
      'element', 'index', 'range', 'min', 'max', 'abs', 'ceil', 'floor', 'tostring', 'tonumber', 'tobool', 'tolist',
      'toset', 'tomap', 'jsonencode', 'jsondecode', 'base64encode', 'base64decode', 'coalesce', 'compact', 'try', 'can',
      'zipmap', 'cidrhost', 'cidrsubnet', 'cidrnetmask', 'sha256', 'sha1', 'md5', 'file',
    ];
    for (const name of required) expect(FUNCTION_NAMES).toContain(name);
    expect(FUNCTION_NAMES).not.toContain('uuid');
    expect(FUNCTION_NAMES).not.toContain('timestamp');
    expect([...FUNCTION_NAMES]).toEqual([...FUNCTION_NAMES].sort());
  });
});

describe('templatefile', () => {
  const files = {
    '/cfg/user-data.tpl': '#cloud-config\nhostname: ${name}\nssh_keys: ${jsonencode(keys)}\n',
    '/cfg/bad.tpl': 'line one\nhost: ${nmae}\n',
    '/cfg/refs.tpl': 'x ${var.secret}',
    '/cfg/typed.tpl': '${port}',
    '/cfg/nested.tpl': '${templatefile("typed.tpl", { port = 1 })}',
    '/cfg/unterminated.tpl': 'a\nb ${name',
  };
  const c = makeCtx({ files, variables: { host: 'k3s-1' } });

  it('renders a template with the given variables', () => {
    expect(valueOf('templatefile("user-data.tpl", { name = var.host, keys = ["a"] })', c)).toBe(
      '#cloud-config\nhostname: k3s-1\nssh_keys: ["a"]\n',
    );
    expect(valueOf('templatefile("typed.tpl", { port = 22 })', c)).toBe(22);
  });

  it.each([
    ['templatefile("bad.tpl", { name = "x" })', '/cfg/bad.tpl', 2, 9, 'Invalid reference: "nmae" is not a known name'],
    ['templatefile("refs.tpl", {})', '/cfg/refs.tpl', 1, 5, 'Invalid reference in template: "var.secret"; a template can only use the variables passed to templatefile'],
    ['templatefile("unterminated.tpl", { name = 1 })', '/cfg/unterminated.tpl', 2, 3, 'Unterminated template: missing "}"'],
  ])('reports %s inside the template file', (expr, file, line, col, summary) => {
    const d = evalExpr(expr, c).diagnostics[0]!;
    expect(d.summary).toBe(summary);
    expect(d.location).toEqual({ file, line, col });
  });

  it.each([
    ['templatefile("missing.tpl", {})', 'templatefile: no file exists at "missing.tpl" (/cfg/missing.tpl)'],
    ['templatefile("typed.tpl", [])', 'templatefile: argument 2 must be a map, got list'],
    ['templatefile("nested.tpl", {})', 'templatefile: a template cannot call templatefile'],
    ['templatefile("typed.tpl")', 'templatefile: expected 2 arguments, got 1'],
  ])('%s', (expr, summary) => {
    expect(errorOf(expr, c)).toBe(summary);
  });
});
