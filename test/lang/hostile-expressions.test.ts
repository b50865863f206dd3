/**
 * Issue 15, items 3, 4 and 7: a config is untrusted input. Expressions that would hang hl,
 * exhaust its memory, overflow its stack or blow a JavaScript limit end as located user
 * errors; regular expressions run in linear time with RE2 semantics; `__proto__` is a key.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import type { Value } from '../../src/core/value.js';
import { evaluateNode } from '../../src/lang/evaluate-node.js';
import { budgetOf, EvalBudget } from '../../src/lang/eval-limits.js';
import { makeCtx, scalar, valueOf } from './helpers.js';

/** The only diagnostic of a scalar placed at 4:7, as `line:col summary`. */
function located(text: string, ctx = makeCtx()): string {
  const r = evaluateNode(scalar(text, 4, 7), ctx);
  expect(r.diagnostics, `${text.slice(0, 80)}: expected one error`).toHaveLength(1);
  const d: Diagnostic = r.diagnostics[0]!;
  expect(d.location?.file).toBe('main.yaml');
  return `${d.location!.line}:${d.location!.col} ${d.summary}`;
}

describe('regular expressions are RE2 (item 3)', () => {
  it('replace with a catastrophic-backtracking pattern on 40+ characters answers (linear time)', () => {
    const text = `${'a'.repeat(48)}!`;
    expect(valueOf(`replace("${text}", "/(a+)+$/", "x")`)).toBe(text);
    expect(valueOf(`replace("${'a'.repeat(48)}", "/(a+)+$/", "x")`)).toBe('x');
  });

  it('refuses a backreference, saying RE2 does not have them', () => {
    const got = located('${replace("aa", "/(a)\\\\1/", "b")}');
    expect(got).toMatch(/^4:23 replace: invalid regular expression \/\(a\)\\1\/: .*RE2.*no backreferences/);
  });

  it('refuses lookahead and lookbehind', () => {
    expect(located('${replace("ab", "/a(?=b)/", "x")}')).toMatch(/^4:23 replace: invalid regular expression .*RE2.*lookaround/);
    expect(located('${replace("ab", "/(?<=a)b/", "x")}')).toMatch(/^4:23 replace: invalid regular expression .*lookaround/);
  });

  it('charges matching to the evaluation budget: a large program over a large text is refused before it runs', () => {
    const ctx = makeCtx({ variables: { big: 'ab'.repeat(1 << 20) } });
    expect(located('${replace(var.big, "/(\\\\w+\\\\s?){1,100}$/", "")}', ctx)).toMatch(
      /^4:9 Evaluation limit exceeded: evaluating this configuration took more than 10,000,000 steps/,
    );
    expect(valueOf('replace("ab ab", "/(\\\\w+\\\\s?){1,100}$/", "x")')).toBe('x');
  });

  it('keeps Go semantics: an empty match right after a match is skipped, groups and names expand', () => {
    expect(valueOf('replace("baaac", "/a*/", "X")')).toBe('XbXcX');
    expect(valueOf('replace("vm-101 vm-102", "/vm-(?P<id>\\\\d+)/", "$${id}:$1")')).toBe('101:101 102:102');
    expect(valueOf('replace("héllo", "/[é]/", "e")')).toBe('hello');
  });
});

describe('expressions nested thousands deep are refused where they start (item 4)', () => {
  it('parentheses', () => {
    const got = located(`\${${'('.repeat(5000)}1${')'.repeat(5000)}}`);
    expect(got).toMatch(/^4:\d+ Invalid expression: nested more than 100 levels deep$/);
  });

  it('lists, calls, templates and unary operators', () => {
    expect(located(`\${${'['.repeat(3000)}${']'.repeat(3000)}}`)).toMatch(/nested more than 100 levels deep/);
    expect(located(`\${${'abs('.repeat(3000)}1${')'.repeat(3000)}}`)).toMatch(/nested more than 100 levels deep/);
    expect(located(`\${${'"${'.repeat(3000)}1${'}"'.repeat(3000)}}`)).toMatch(/nested more than 100 levels deep/);
    expect(located(`\${${'!'.repeat(100000)}true}`)).toMatch(/nested more than 100 levels deep/);
  });

  it('long operator chains and traversals, which the parser builds in a loop', () => {
    expect(located(`\${${Array(100000).fill('1').join(' + ')}}`)).toMatch(/^4:\d+ Invalid expression: nested more than 100 levels deep$/);
    expect(located(`\${var.x${'[0]'.repeat(50000)}}`)).toMatch(/nested more than 100 levels deep/);
  });

  it('still accepts ordinary nesting', () => {
    expect(valueOf(`${'['.repeat(40)}1${']'.repeat(40)}`)).toEqual(JSON.parse(`${'['.repeat(40)}1${']'.repeat(40)}`));
    expect(valueOf(Array(60).fill('1').join(' + '))).toBe(60);
  });
});

describe('format refuses huge widths and precisions (item 4)', () => {
  it('a width of 999999999', () => {
    expect(located('${format("%999999999d", 1)}')).toBe('4:16 format: the width 999,999,999 of "%d" at offset 0 is more than the limit of 10,000');
  });

  it('a huge precision, and a floating-point precision JavaScript cannot print', () => {
    expect(located('${format("%.999999999s", "a")}')).toMatch(/^4:16 format: the precision 999,999,999 of "%s" .* limit of 10,000$/);
    expect(located('${format("%.200f", 1)}')).toMatch(/^4:16 format: the precision 200 of "%f" at offset 0 is more than the limit of 100$/);
    expect(located('${formatlist("%9999999e", [1])}')).toMatch(/^4:20 formatlist: the width/);
  });

  it('a result past the string limit, from many wide verbs', () => {
    const spec = '%10000d'.repeat(2000);
    expect(located(`\${format("${spec}", ${Array(2000).fill('1').join(', ')})}`)).toMatch(/^4:9 Evaluation limit exceeded: the result would be a string of .* more than the limit of 16 MiB$/);
  });

  it('ordinary widths still work', () => {
    expect(valueOf('format("%5d|%-4s|%.2f", 42, "ab", 3.14159)')).toBe('   42|ab  |3.14');
  });
});

describe('values past the size limits are located errors, not hangs (item 3)', () => {
  it('nested for producing 10^9 elements', () => {
    const got = located('${[for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]}');
    expect(got).toMatch(/^4:\d+ Evaluation limit exceeded: .*limit/);
  });

  it('a list doubled again and again (a copy each time)', () => {
    let value: Value = ['x'];
    let problem: string | undefined;
    for (let i = 0; i < 24 && problem === undefined; i++) {
      const r = evaluateNode(scalar('${concat(local.l, local.l)}', 4, 7), makeCtx({ locals: { l: value } }));
      problem = r.diagnostics[0]?.summary;
      value = r.value;
    }
    expect(problem).toBe('Evaluation limit exceeded: the value has more than 1,000,000 elements, the limit');
  });

  it('a list holding itself twice, again and again (shared, exponential when walked)', () => {
    let value: Value = ['x'];
    let problem: string | undefined;
    for (let i = 0; i < 64 && problem === undefined; i++) {
      const r = evaluateNode(scalar('${[local.l, local.l]}', 4, 7), makeCtx({ locals: { l: value } }));
      problem = r.diagnostics[0]?.summary;
      value = r.value;
    }
    expect(problem).toMatch(/^Evaluation limit exceeded: the value (has more than 1,000,000 elements|nests lists and maps more than 256 levels deep)/);
  });

  it('jsonencode of a value shared 2^40 times', () => {
    let value: Value = 'x';
    for (let i = 0; i < 40; i++) value = [value, value];
    expect(located('${jsonencode(local.l)}', makeCtx({ locals: { l: value } }))).toMatch(/^4:9 Evaluation limit exceeded: the value /);
  });

  it('a huge join is refused before it is built', () => {
    const ctx = makeCtx({ variables: { sep: 'x'.repeat(1 << 20), parts: Array(100).fill('a') } });
    expect(located('${join(var.sep, var.parts)}', ctx)).toMatch(/^4:9 Evaluation limit exceeded: the result would be a string of [\d,]+ characters, more than the limit of 16 MiB$/);
  });

  it('a template longer than the string limit', () => {
    const ctx = makeCtx({ variables: { s: 'x'.repeat(1 << 20) } });
    expect(located(`${'${var.s}'.repeat(20)}`, ctx)).toMatch(/^4:\d+ Evaluation limit exceeded: the template would be a string of .* 16 MiB$/);
  });

  it('replace building a result past the string limit', () => {
    const ctx = makeCtx({ variables: { s: 'a'.repeat(1 << 16), r: 'b'.repeat(1 << 10) } });
    expect(located('${replace(var.s, "a", var.r)}', ctx)).toMatch(/Evaluation limit exceeded: the result would be a string/);
    expect(located('${replace(var.s, "/a/", var.r)}', ctx)).toMatch(/Evaluation limit exceeded: the result would be a string/);
  });

  it('decoded JSON nested deeper than the value limit', () => {
    const deep = `${'['.repeat(100000)}${']'.repeat(100000)}`;
    const ctx = makeCtx({ variables: { j: deep } });
    expect(located('${jsondecode(var.j)}', ctx)).toMatch(/^4:9 Evaluation limit exceeded: the decoded data nests lists and maps more than 256 levels deep/);
  });

  it('try and can do not hide a limit', () => {
    expect(located('${can([for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]])}')).toMatch(/Evaluation limit exceeded/);
    // A plain user error (not a limit) is still recoverable.
    expect(valueOf('try(format("%999999999d", 1), "fallback")')).toBe('fallback');
  });

  it('distinct, setintersection and setsubtract of many maps finish (linear, not quadratic)', () => {
    const maps = Array.from({ length: 50000 }, (_, i) => ({ i }));
    const ctx = makeCtx({ variables: { m: maps, dup: [...maps, ...maps] } });
    expect((valueOf('distinct(var.dup)', ctx) as Value[]).length).toBe(50000);
    expect((valueOf('setintersection(var.m, var.dup)', ctx) as Value[]).length).toBe(50000);
    expect(valueOf('setsubtract(var.m, var.dup)', ctx)).toEqual([]);
  });
});

describe('an evaluation step budget covers a whole configuration evaluation (item 3)', () => {
  it('steps spent by earlier expressions count against later ones', () => {
    const budget = new EvalBudget(5000);
    const ctx = { ...makeCtx(), budget };
    const first = evaluateNode(scalar('${[for i in range(1000) : i * 2]}', 1, 1), ctx);
    expect(first.diagnostics).toEqual([]);
    const second = evaluateNode(scalar('${[for i in range(1000) : i * 2]}', 9, 3), { ...makeCtx(), budget });
    expect(second.diagnostics.map((d) => `${d.location!.line}:${d.location!.col} ${d.summary}`)).toEqual([
      expect.stringMatching(/^9:\d+ Evaluation limit exceeded: evaluating this configuration took more than 5,000 steps, the limit/),
    ]);
  });

  it('contexts sharing a locals map share one budget; others have their own', () => {
    const locals = new Map();
    const a = { ...makeCtx(), locals };
    const b = { ...makeCtx(), locals, each: { key: 'k', value: { value: 1 } } };
    expect(budgetOf(a)).toBe(budgetOf(b));
    expect(budgetOf(makeCtx())).not.toBe(budgetOf(a));
  });
});

describe('__proto__ is a key like any other (item 7)', () => {
  const withProto = (v: Value) => {
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    return Object.keys(v as object);
  };

  it('jsondecode and yamldecode keep it', () => {
    expect(withProto(valueOf('jsondecode("{\\"__proto__\\": 1, \\"a\\": 2}")'))).toEqual(['__proto__', 'a']);
    expect(valueOf('jsondecode("{\\"__proto__\\": {\\"x\\": 1}}")["__proto__"]["x"]')).toBe(1);
    expect(withProto(valueOf('yamldecode("__proto__: 1\\nb: 2")'))).toEqual(['__proto__', 'b']);
    expect(valueOf('jsonencode(jsondecode("{\\"__proto__\\": {\\"polluted\\": true}}"))')).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('object constructors, merge, zipmap, tomap and for expressions keep it', () => {
    expect(withProto(valueOf('{ "__proto__" = 1 }'))).toEqual(['__proto__']);
    expect(valueOf('keys(merge({ "__proto__" = 1 }, { b = 2 }))')).toEqual(['__proto__', 'b']);
    expect(valueOf('zipmap(["__proto__"], [3])["__proto__"]')).toBe(3);
    expect(valueOf('tomap({ "__proto__" = "x" })["__proto__"]')).toBe('x');
    expect(valueOf('{ for k in ["__proto__", "a"] : k => upper(k) }')).toEqual(Object.fromEntries([['__proto__', '__PROTO__'], ['a', 'A']]));
    expect(valueOf('length({ for k, v in jsondecode("{\\"__proto__\\": 1}") : k => v })')).toBe(1);
  });
});
