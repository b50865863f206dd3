/**
 * Recursive-descent parser for templates (`text ${expr} text`) and expressions. It resolves
 * the static root of every traversal (`var.x`, `type.name`, `data.type.name`...) into a
 * `RefExpr`, knowing which names an enclosing `for` binds, so references can be collected
 * without evaluating anything.
 *
 * Precedence, lowest first: `? :`, `||`, `&&`, `== !=`, `< > <= >=`, `+ -`, `* / %`,
 * unary `- !`, then postfix traversals (`.attr`, `[index]`, `[*]`) and calls.
 *
 * Expressions may nest at most MAX_EXPRESSION_DEPTH levels (brackets, parentheses, calls,
 * templates, operators and traversal steps all count), so neither the parser nor the
 * evaluator walking the tree can exhaust the stack.
 */
import type { BinaryOp, Expr, ObjectItem, ReferenceKind, RefExpr, TemplatePart } from './ast.js';
import { MAX_EXPRESSION_DEPTH } from './eval-limits.js';
import { Scanner, type Token } from './lexer.js';
import { subtractionHint } from './messages.js';
import { SyntaxFailure, syntaxFailure, type SyntaxProblem } from './syntax-problem.js';

export type ParseOutcome = { expr: Expr; problem?: undefined } | { expr?: undefined; problem: SyntaxProblem };

/**
 * Parses a whole YAML string scalar as a template: literal text with `${ }` interpolations.
 * `names` are bound in the template as plain names (templatefile's variables).
 */
export function parseTemplate(text: string, names: readonly string[] = []): ParseOutcome {
  return run(text, (p) => {
    p.bind(names);
    return p.topTemplate();
  });
}

/** Parses a bare expression (no surrounding `${ }`) that must span the whole text. */
export function parseExpression(text: string): ParseOutcome {
  return run(text, (p) => p.wholeExpression());
}

function run(text: string, f: (p: Parser) => Expr): ParseOutcome {
  try {
    return { expr: f(new Parser(text)) };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { problem: e.problem };
    throw e;
  }
}

/** Binary operators by precedence: higher binds tighter. All are left-associative. */
const BINARY_PRECEDENCE: Record<string, number | undefined> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

/** Roots whose first attribute names what they refer to. */
const ATTRIBUTE_ROOTS: Record<string, readonly string[] | undefined> = {
  each: ['key', 'value'],
  count: ['index'],
  path: ['root', 'cwd', 'module'],
};

interface Opener {
  /** What was opened: `${`, `"`, `[`, `{`, `(`. */
  text: string;
  start: number;
}

/** How a reference starting with `root` is written, for messages. */
function rootExample(root: string): string {
  const allowed = ATTRIBUTE_ROOTS[root];
  if (allowed) return allowed.map((a) => `${root}.${a}`).join(' or ');
  if (root === 'data') return 'data.TYPE.NAME';
  if (KNOWN_ROOTS.has(root)) return `${root}.NAME`;
  return 'TYPE.NAME';
}

const KNOWN_ROOTS = new Set(['var', 'local', 'self', 'each', 'count', 'path', 'data', 'module']);

const CLOSER: Record<string, string> = { '${': '}', '"': '"', '[': ']', '{': '}', '(': ')' };

class Parser {
  private readonly scanner: Scanner;
  private lookahead: Token | undefined;
  /** Names bound by enclosing `for` expressions, innermost last. */
  private readonly bound: string[] = [];
  /** Unclosed brackets, quotes and interpolations, innermost last (for end-of-input errors). */
  private readonly openers: Opener[] = [];
  /** How deeply the expression being parsed is nested (an upper bound on the tree's depth). */
  private depth = 0;

  constructor(private readonly src: string) {
    this.scanner = new Scanner(src);
  }

  // ---- entry points -------------------------------------------------------------------

  bind(names: readonly string[]): void {
    for (const n of names) this.bound.push(n);
  }

  topTemplate(): Expr {
    const parts = this.templateParts(false);
    return this.templateExpr(parts, 0, this.src.length);
  }

  wholeExpression(): Expr {
    const expr = this.expression();
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpected(t, 'the end of the expression');
    return expr;
  }

  // ---- token plumbing -----------------------------------------------------------------

  private peek(): Token {
    return (this.lookahead ??= this.scanner.nextToken());
  }

  private take(): Token {
    const t = this.peek();
    this.lookahead = undefined;
    return t;
  }

  private isPunct(t: Token, text: string): boolean {
    return t.kind === 'punct' && t.text === text;
  }

  private takeIf(text: string): Token | undefined {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === text) return this.take();
    return undefined;
  }

  private expect(text: string, what: string = `"${text}"`): Token {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === text) return this.take();
    throw this.unexpected(t, what);
  }

  private open(text: string, start: number): void {
    this.openers.push({ text, start });
  }

  private close(): void {
    this.openers.pop();
  }

  /** Goes one level deeper at `offset`; refuses nesting past the limit. */
  private deeper(offset: number): void {
    if (++this.depth > MAX_EXPRESSION_DEPTH) {
      throw syntaxFailure(
        offset,
        `Invalid expression: nested more than ${MAX_EXPRESSION_DEPTH} levels deep`,
        'Expressions may nest brackets, calls, operators and templates up to that depth; split the expression into locals.',
      );
    }
  }

  /** The error for an unexpected token; at end of input, names the construct left open. */
  private unexpected(t: Token, expected: string, summary = 'Invalid expression'): SyntaxFailure {
    if (t.kind === 'eof') {
      const o = this.openers[this.openers.length - 1];
      if (o) {
        if (o.text === '${') return syntaxFailure(o.start, 'Unterminated template: missing "}"');
        if (o.text === '"') return syntaxFailure(o.start, 'Unterminated string: missing closing """');
        return syntaxFailure(o.start, `Unclosed "${o.text}": missing "${CLOSER[o.text]}"`);
      }
    }
    return syntaxFailure(t.start, `${summary}: expected ${expected}, got ${describe(t)}`);
  }

  // ---- templates ----------------------------------------------------------------------

  /** Literal text and interpolations up to the end of input (or the closing quote). */
  private templateParts(quoted: boolean): TemplatePart[] {
    const parts: TemplatePart[] = [];
    for (;;) {
      const run = this.scanner.scanLiteral(quoted);
      if (run.text !== '') parts.push(run.text);
      if (run.stop === 'eof') {
        if (quoted) throw this.unexpected({ kind: 'eof', text: '', start: run.stopAt, end: run.stopAt, newlineBefore: false }, '"');
        return parts;
      }
      if (run.stop === 'quote') {
        this.scanner.pos = run.stopAt + 1;
        return parts;
      }
      // `${`
      this.scanner.pos = run.stopAt + 2;
      this.open('${', run.stopAt);
      const t = this.peek();
      if (this.isPunct(t, '}')) throw syntaxFailure(run.stopAt, 'Invalid template: empty "${}"; write an expression between the braces');
      const expr = this.expression();
      this.expect('}', 'an operator or "}" to close the template');
      this.close();
      parts.push(expr);
    }
  }

  private templateExpr(parts: TemplatePart[], start: number, end: number): Expr {
    if (parts.length === 0) return { kind: 'literal', value: '', start, end };
    if (parts.length === 1) {
      const only = parts[0]!;
      // A template that is exactly one interpolation keeps the expression's type.
      if (typeof only !== 'string') return only;
      return { kind: 'literal', value: only, start, end };
    }
    return { kind: 'template', parts, start, end };
  }

  // ---- expressions --------------------------------------------------------------------

  private expression(): Expr {
    this.deeper(this.peek().start);
    const condition = this.binary(1);
    if (!this.takeIf('?')) {
      this.depth--;
      return condition;
    }
    const then = this.expression();
    this.expect(':', '":" for the conditional');
    const otherwise = this.expression();
    this.depth--;
    return { kind: 'conditional', condition, then, otherwise, start: condition.start, end: otherwise.end };
  }

  /** Precedence climbing over binary operators binding at least as tight as `minPrecedence`. */
  private binary(minPrecedence: number): Expr {
    let left = this.unary();
    const entered = this.depth;
    for (;;) {
      const t = this.peek();
      const prec = t.kind === 'punct' ? BINARY_PRECEDENCE[t.text] : undefined;
      if (prec === undefined || prec < minPrecedence) {
        this.depth = entered;
        return left;
      }
      this.take();
      // Each operator of a chain puts the operands before it one level deeper in the tree.
      this.deeper(t.start);
      const right = this.binary(prec + 1);
      left = { kind: 'binary', op: t.text as BinaryOp, left, right, start: left.start, end: right.end };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (this.isPunct(t, '-') || this.isPunct(t, '!')) {
      this.take();
      this.deeper(t.start);
      const operand = this.unary();
      this.depth--;
      if (t.text === '-' && operand.kind === 'literal' && typeof operand.value === 'number') {
        return { kind: 'literal', value: -operand.value, start: t.start, end: operand.end };
      }
      return { kind: 'unary', op: t.text as '-' | '!', operand, start: t.start, end: operand.end };
    }
    // A parenthesized reference is not extended by the traversal after the parentheses.
    const parenthesized = this.isPunct(t, '(');
    const base = this.primary();
    return this.postfix(base, parenthesized ? null : undefined);
  }

  private primary(): Expr {
    const t = this.take();
    switch (t.kind) {
      case 'number':
        return { kind: 'literal', value: Number(t.text), start: t.start, end: t.end };
      case 'quote':
        return this.quoted(t);
      case 'ident':
        return this.identifier(t);
      case 'punct':
        if (t.text === '(') {
          this.open('(', t.start);
          const inner = this.expression();
          this.expect(')', 'an operator or ")"');
          this.close();
          return inner;
        }
        if (t.text === '[') return this.list(t);
        if (t.text === '{') return this.object(t);
        break;
      case 'eof':
        break;
    }
    throw this.unexpected(t, 'an expression');
  }

  private quoted(open: Token): Expr {
    this.open('"', open.start);
    const parts = this.templateParts(true);
    this.close();
    return this.templateExpr(parts, open.start, this.scanner.pos);
  }

  private identifier(t: Token): Expr {
    const name = t.text;
    if (this.isPunct(this.peek(), '(')) return this.call(t);
    if (this.bound.includes(name)) return { kind: 'name', name, start: t.start, end: t.end };
    switch (name) {
      case 'true':
        return { kind: 'literal', value: true, start: t.start, end: t.end };
      case 'false':
        return { kind: 'literal', value: false, start: t.start, end: t.end };
      case 'null':
        return { kind: 'literal', value: null, start: t.start, end: t.end };
      case 'for':
        throw syntaxFailure(t.start, 'Invalid expression: a "for" expression must be enclosed in [ ] or { }');
      case 'var':
      case 'local':
      case 'self':
      case 'each':
      case 'count':
      case 'path':
        return this.attributeRoot(t, name);
      case 'module': {
        const mname = this.rootStep(t, 'module', 'the module name');
        return this.ref('module', `module.${mname.text}`, '', mname.text, t.start, mname.end);
      }
      case 'data': {
        const type = this.rootStep(t, 'data', 'the data source type');
        const rname = this.rootStep(t, `data.${type.text}`, 'the data source name');
        const subject = `data.${type.text}.${rname.text}`;
        return this.ref('data', subject, type.text, rname.text, t.start, rname.end);
      }
      default: {
        const rname = this.rootStep(t, name, 'the resource name');
        return this.ref('resource', `${name}.${rname.text}`, name, rname.text, t.start, rname.end);
      }
    }
  }

  /** `var.x`, `each.key`, ...: the root and its required first attribute. */
  private attributeRoot(t: Token, root: string): Expr {
    const allowed = ATTRIBUTE_ROOTS[root];
    const attr = this.rootStep(t, root, root === 'var' ? 'a variable name' : root === 'local' ? 'a local value name' : 'an attribute name');
    if (allowed && !allowed.includes(attr.text)) {
      throw syntaxFailure(
        attr.start,
        `Invalid reference: "${root}" has no attribute "${attr.text}"; expected ${rootExample(root)}`,
        subtractionHint(attr.text, (prefix) => allowed.includes(prefix), `${root}.`),
      );
    }
    return this.ref(root as ReferenceKind, attr.text, '', attr.text, t.start, attr.end);
  }

  /** Reads the `.name` that must follow a reference root (`written`: the root as written so far). */
  private rootStep(root: Token, written: string, what: string): Token {
    const dot = this.peek();
    if (this.isPunct(dot, '.')) {
      this.take();
      const name = this.peek();
      if (name.kind === 'ident') return this.take();
      throw this.unexpected(name, `${what} after "${written}." (as in ${rootExample(root.text)})`, 'Invalid reference');
    }
    if (!KNOWN_ROOTS.has(root.text)) {
      throw syntaxFailure(
        root.start,
        `Invalid reference: "${root.text}" is not a known name`,
        `Write var.${root.text} for an input variable, local.${root.text} for a local value, or TYPE.NAME for a resource.`,
      );
    }
    throw syntaxFailure(
      root.start,
      `Invalid reference: "${written}" cannot be used on its own; expected ${what} (as in ${rootExample(root.text)})`,
    );
  }

  private ref(refKind: ReferenceKind, subject: string, type: string, name: string, start: number, end: number): RefExpr {
    return { kind: 'ref', refKind, subject, type, name, start, end, textEnd: end };
  }

  private call(nameTok: Token): Expr {
    const open = this.take(); // (
    this.open('(', open.start);
    const args: Expr[] = [];
    for (;;) {
      if (this.isPunct(this.peek(), ')')) break;
      args.push(this.expression());
      if (this.takeIf('...')) {
        this.expect(')', '")" after the expanded final argument');
        this.close();
        return this.callExpr(nameTok, args, true);
      }
      if (this.takeIf(',')) continue;
      if (!this.isPunct(this.peek(), ')')) throw this.unexpected(this.peek(), '"," or ")"');
    }
    this.take();
    this.close();
    return this.callExpr(nameTok, args, false);
  }

  private callExpr(nameTok: Token, args: Expr[], expandFinal: boolean): Expr {
    return { kind: 'call', name: nameTok.text, args, expandFinal, start: nameTok.start, end: this.scanner.pos };
  }

  /** Traversal steps and splats after a primary expression. */
  /** `rootRef`: the reference whose written text the steps extend; null for none. */
  private postfix(base: Expr, rootRef: RefExpr | null | undefined): Expr {
    const ref = rootRef === undefined ? (base.kind === 'ref' ? base : undefined) : (rootRef ?? undefined);
    const entered = this.depth;
    try {
      return this.postfixSteps(base, ref);
    } finally {
      this.depth = entered;
    }
  }

  private postfixSteps(base: Expr, ref: RefExpr | undefined): Expr {
    let cur = base;
    for (;;) {
      const t = this.peek();
      // Each traversal step wraps the expression before it: one level deeper.
      if (this.isPunct(t, '.') || this.isPunct(t, '[')) this.deeper(t.start);
      if (this.isPunct(t, '.')) {
        this.take();
        const n = this.take();
        if (n.kind === 'ident') {
          cur = { kind: 'getattr', target: cur, name: n.text, nameStart: n.start, start: cur.start, end: n.end };
        } else if (n.kind === 'number' && /^\d+$/.test(n.text)) {
          // Legacy index syntax: `list.0`.
          const key: Expr = { kind: 'literal', value: Number(n.text), start: n.start, end: n.end };
          cur = { kind: 'index', target: cur, key, start: cur.start, end: n.end };
        } else if (this.isPunct(n, '*')) {
          // Attribute-only splat: `list.*.name`.
          const each = this.attributeSteps({ kind: 'splatitem', start: n.start, end: n.end });
          cur = { kind: 'splat', source: cur, each, start: cur.start, end: each.end };
        } else {
          throw this.unexpected(n, 'an attribute name after "."', 'Invalid attribute access');
        }
      } else if (this.isPunct(t, '[')) {
        this.take();
        this.open('[', t.start);
        if (this.isPunct(this.peek(), '*')) {
          this.take();
          const close = this.expect(']', '"]" to complete the splat "[*]"');
          this.close();
          // Full splat: the rest of the traversal applies to each element.
          const item: Expr = { kind: 'splatitem', start: t.start, end: close.end };
          const each = this.postfix(item, ref ?? null);
          cur = { kind: 'splat', source: cur, each, start: cur.start, end: Math.max(each.end, close.end) };
          if (ref) ref.textEnd = Math.max(ref.textEnd, cur.end);
          return cur;
        }
        const key = this.expression();
        const close = this.expect(']', 'an operator or "]"');
        this.close();
        cur = { kind: 'index', target: cur, key, start: cur.start, end: close.end };
      } else {
        return cur;
      }
      if (ref) ref.textEnd = Math.max(ref.textEnd, cur.end);
    }
  }

  private attributeSteps(base: Expr): Expr {
    let cur = base;
    while (this.isPunct(this.peek(), '.')) {
      this.deeper(this.take().start);
      const n = this.take();
      if (n.kind !== 'ident') throw this.unexpected(n, 'an attribute name after "."', 'Invalid attribute access');
      cur = { kind: 'getattr', target: cur, name: n.text, nameStart: n.start, start: cur.start, end: n.end };
    }
    return cur;
  }

  private list(open: Token): Expr {
    this.open('[', open.start);
    const first = this.peek();
    if (first.kind === 'ident' && first.text === 'for') {
      this.take();
      return this.forExpr(open, false);
    }
    const items: Expr[] = [];
    for (;;) {
      if (this.isPunct(this.peek(), ']')) break;
      items.push(this.expression());
      if (this.takeIf(',')) continue;
      if (!this.isPunct(this.peek(), ']')) throw this.unexpected(this.peek(), '"," or "]"');
    }
    const close = this.take();
    this.close();
    return { kind: 'list', items, start: open.start, end: close.end };
  }

  private object(open: Token): Expr {
    this.open('{', open.start);
    const items: ObjectItem[] = [];
    for (;;) {
      const t = this.peek();
      if (this.isPunct(t, '}')) break;
      let key: Expr;
      if (t.kind === 'ident') {
        this.take();
        const sep = this.peek();
        if (!this.isPunct(sep, '=') && !this.isPunct(sep, ':')) {
          if (t.text === 'for' && items.length === 0) return this.forExpr(open, true);
          if (sep.kind === 'eof') throw this.unexpected(sep, '"="');
          throw syntaxFailure(
            sep.start,
            `Invalid object: expected "=" or ":" after the key "${t.text}", got ${describe(sep)}`,
            'Keys are names, quoted strings, or expressions in parentheses: { name = 1, "a b" = 2, (local.k) = 3 }.',
          );
        }
        key = { kind: 'literal', value: t.text, start: t.start, end: t.end };
      } else {
        key = this.expression();
      }
      const sep = this.peek();
      if (!this.isPunct(sep, '=') && !this.isPunct(sep, ':')) throw this.unexpected(sep, '"=" or ":" after the object key');
      this.take();
      const value = this.expression();
      items.push({ key, value });
      if (this.takeIf(',')) continue;
      const next = this.peek();
      if (this.isPunct(next, '}')) break;
      if (next.newlineBefore && next.kind !== 'eof') continue;
      throw this.unexpected(next, '"," or "}"');
    }
    const close = this.take();
    this.close();
    return { kind: 'object', items, start: open.start, end: close.end };
  }

  /** After `[for` or `{for`. */
  private forExpr(open: Token, object: boolean): Expr {
    const first = this.take();
    if (first.kind !== 'ident') throw this.unexpected(first, 'a variable name after "for"', 'Invalid "for" expression');
    let keyVar: string | undefined;
    let valueVar = first.text;
    if (this.takeIf(',')) {
      const second = this.take();
      if (second.kind !== 'ident') throw this.unexpected(second, 'a second variable name after ","', 'Invalid "for" expression');
      keyVar = first.text;
      valueVar = second.text;
    }
    const inTok = this.take();
    if (inTok.kind !== 'ident' || inTok.text !== 'in') {
      throw this.unexpected(inTok, '"in"', 'Invalid "for" expression');
    }
    const collection = this.expression();
    this.expect(':', '":" after the collection of the "for" expression');
    this.bound.push(valueVar);
    if (keyVar !== undefined) this.bound.push(keyVar);
    let keyExpr: Expr | undefined;
    let grouping = false;
    if (object) {
      keyExpr = this.expression();
      this.expect('=>', '"=>" between the key and the value of an object "for" expression');
    }
    const valueExpr = this.expression();
    if (object && this.takeIf('...')) grouping = true;
    let condition: Expr | undefined;
    const maybeIf = this.peek();
    if (maybeIf.kind === 'ident' && maybeIf.text === 'if') {
      this.take();
      condition = this.expression();
    }
    this.bound.length -= keyVar !== undefined ? 2 : 1;
    const close = this.expect(object ? '}' : ']', object ? '"if" or "}"' : '"if" or "]"');
    this.close();
    return {
      kind: 'for',
      object,
      keyVar,
      valueVar,
      collection,
      keyExpr,
      valueExpr,
      condition,
      grouping,
      start: open.start,
      end: close.end,
    };
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of input';
    case 'quote':
      return 'a string';
    case 'number':
      return `number ${t.text}`;
    case 'ident':
      return `"${t.text}"`;
    default:
      return `"${t.text}"`;
  }
}
