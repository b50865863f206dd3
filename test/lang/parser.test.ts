import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/lang/ast.js';
import { parseExpression, parseTemplate } from '../../src/lang/parser.js';

/** A compact rendering of a syntax tree, to assert its shape. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return JSON.stringify(e.value);
    case 'template':
      return `tpl(${e.parts.map((p) => (typeof p === 'string' ? JSON.stringify(p) : show(p))).join(' ')})`;
    case 'list':
      return `[${e.items.map(show).join(' ')}]`;
    case 'object':
      return `{${e.items.map((i) => `${show(i.key)}=${show(i.value)}`).join(' ')}}`;
    case 'ref':
      return `${e.refKind}:${e.subject}`;
    case 'name':
      return `$${e.name}`;
    case 'getattr':
      return `${show(e.target)}.${e.name}`;
    case 'index':
      return `${show(e.target)}[${show(e.key)}]`;
    case 'splat':
      return `splat(${show(e.source)} -> ${show(e.each)})`;
    case 'splatitem':
      return '@';
    case 'call':
      return `${e.name}(${e.args.map(show).join(' ')}${e.expandFinal ? '...' : ''})`;
    case 'unary':
      return `(${e.op}${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'conditional':
      return `(${show(e.condition)} ? ${show(e.then)} : ${show(e.otherwise)})`;
    case 'for': {
      const vars = e.keyVar ? `${e.keyVar},${e.valueVar}` : e.valueVar;
      const body = e.keyExpr ? `${show(e.keyExpr)} => ${show(e.valueExpr)}${e.grouping ? '...' : ''}` : show(e.valueExpr);
      return `for(${vars} in ${show(e.collection)} : ${body}${e.condition ? ` if ${show(e.condition)}` : ''})`;
    }
  }
}

function parsed(text: string): string {
  const r = parseExpression(text);
  if (r.problem) throw new Error(r.problem.summary);
  return show(r.expr);
}

describe('expression syntax', () => {
  it.each([
    ['1 + 2 * 3 - 4', '((1 + (2 * 3)) - 4)'],
    ['a.b || c.d && !e.f', '(resource:a.b || (resource:c.d && (!resource:e.f)))'],
    ['1 < 2 == 3 >= 4', '((1 < 2) == (3 >= 4))'],
    ['-x.y * 2', '((-resource:x.y) * 2)'],
    ['-2', '-2'],
    ['a.b ? 1 : c.d ? 2 : 3', '(resource:a.b ? 1 : (resource:c.d ? 2 : 3))'],
    ['local.a-b', 'local:a-b'],
    ['local.a - b.c', '(local:a - resource:b.c)'],
    ['count.index-1 == 0', 'error'],
    ['var.l.0.x', 'var:l[0].x'],
    ['p.q[*].r[0]', 'splat(resource:p.q -> @.r[0])'],
    ['p.q.*.r[0]', 'splat(resource:p.q -> @.r)[0]'],
    ['p.q[*].r[*].s', 'splat(resource:p.q -> splat(@.r -> @.s))'],
    ['data.t.n.attr["k"]', 'data:data.t.n.attr["k"]'],
    ['f(1, [2]...)', 'f(1 [2]...)'],
    ['f(\n  1,\n  2,\n)', 'f(1 2)'],
    ['[for x in var.l : x.n if x.ok]', 'for(x in var:l : $x.n if $x.ok)'],
    ['{ for k, v in var.m : v => k... }', 'for(k,v in var:m : $v => $k...)'],
    ['[for x in [x.y] : x]', 'for(x in [resource:x.y] : $x)'],
    ['{ a = 1, "b": 2, (var.k) = 3 }', '{"a"=1 "b"=2 var:k=3}'],
    ['"a${b.c}d"', 'tpl("a" resource:b.c "d")'],
    ['"${b.c}"', 'resource:b.c'],
    ['"a\\"b\\n"', '"a\\"b\\n"'],
    ['path.root', 'path:root'],
  ])('%s', (text, want) => {
    const r = parseExpression(text);
    expect(r.problem ? 'error' : show(r.expr!)).toBe(want);
  });
});

describe('templates', () => {
  it.each([
    ['plain', '"plain"'],
    ['$${x}', '"${x}"'],
    ['a $$ b $', '"a $$ b $"'],
    ['${x.y}', 'resource:x.y'],
    [' ${x.y}', 'tpl(" " resource:x.y)'],
    ['${a.b}${c.d}', 'tpl(resource:a.b resource:c.d)'],
    ['pre-${"in-${x.y}"}-post', 'tpl("pre-" tpl("in-" resource:x.y) "-post")'],
    ['${ {a = "}"} }', '{"a"="}"}'],
    ['%{ if x }', '"%{ if x }"'],
  ])('%s', (text, want) => {
    const r = parseTemplate(text);
    expect(r.problem).toBeUndefined();
    expect(show(r.expr!)).toBe(want);
  });

  it('binds the given names as plain names', () => {
    expect(show(parseTemplate('${name.x}', ['name']).expr!)).toBe('$name.x');
  });

  it('records the written text span of a reference', () => {
    const text = '${proxmox_vm.k3s["pve"].mac}';
    const e = parseTemplate(text).expr!;
    let root = e;
    while (root.kind === 'getattr' || root.kind === 'index') root = root.target;
    expect(root.kind).toBe('ref');
    if (root.kind === 'ref') expect(text.slice(root.start, root.textEnd)).toBe('proxmox_vm.k3s["pve"].mac');
  });

  it('reports offsets of syntax problems', () => {
    expect(parseTemplate('ab ${x.y +}').problem).toEqual({ offset: 10, summary: 'Invalid expression: expected an expression, got "}"' });
    expect(parsed('1')).toBe('1');
  });
});
