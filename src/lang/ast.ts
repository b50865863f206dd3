/**
 * The syntax tree of the expression language. Every node carries `start`/`end`: offsets
 * into the text it was parsed from (a YAML scalar's value or an expression text), so a
 * problem can be located at the exact token that caused it.
 */
import type { Value } from '../core/value.js';

/** What a reference points at; see `Reference` in reference.ts. */
export type ReferenceKind = 'var' | 'local' | 'each' | 'count' | 'path' | 'self' | 'resource' | 'data' | 'module';

interface Span {
  start: number;
  end: number;
}

export interface LiteralExpr extends Span {
  kind: 'literal';
  value: Value;
}

/** A literal piece of a template, or an interpolated expression. */
export type TemplatePart = string | Expr;

/** A string with interpolations: the parts are converted to strings and concatenated. */
export interface TemplateExpr extends Span {
  kind: 'template';
  parts: TemplatePart[];
}

export interface ListExpr extends Span {
  kind: 'list';
  items: Expr[];
}

export interface ObjectItem {
  key: Expr;
  value: Expr;
}

export interface ObjectExpr extends Span {
  kind: 'object';
  items: ObjectItem[];
}

/**
 * The static root of a traversal, resolved by the parser: `var.x`, `local.x`, `each.key`,
 * `count.index`, `path.root`, `self.x`, `type.name` or `data.type.name`.
 */
export interface RefExpr extends Span {
  kind: 'ref';
  refKind: ReferenceKind;
  /** As in `Reference.subject`. */
  subject: string;
  /** resource/data: the type. */
  type: string;
  /** var/local: the name; each/count/path/self: the attribute; resource/data: the name. */
  name: string;
  /** End of the whole traversal written after the root (`proxmox_vm.k3s["pve"].name`). */
  textEnd: number;
}

/** A name bound by an enclosing `for` expression. */
export interface NameExpr extends Span {
  kind: 'name';
  name: string;
}

export interface GetAttrExpr extends Span {
  kind: 'getattr';
  target: Expr;
  name: string;
  /** Offset of the attribute name, for messages. */
  nameStart: number;
}

export interface IndexExpr extends Span {
  kind: 'index';
  target: Expr;
  key: Expr;
}

/** `source[*].rest`: `each` is evaluated once per element, bound to `SplatItemExpr`. */
export interface SplatExpr extends Span {
  kind: 'splat';
  source: Expr;
  each: Expr;
}

export interface SplatItemExpr extends Span {
  kind: 'splatitem';
}

export interface CallExpr extends Span {
  kind: 'call';
  name: string;
  args: Expr[];
  /** The final argument is written `list...` and expands into separate arguments. */
  expandFinal: boolean;
}

export type UnaryOp = '-' | '!';
export type BinaryOp = '*' | '/' | '%' | '+' | '-' | '<' | '>' | '<=' | '>=' | '==' | '!=' | '&&' | '||';

export interface UnaryExpr extends Span {
  kind: 'unary';
  op: UnaryOp;
  operand: Expr;
}

export interface BinaryExpr extends Span {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface ConditionalExpr extends Span {
  kind: 'conditional';
  condition: Expr;
  then: Expr;
  otherwise: Expr;
}

/** `[for k, v in coll : value if cond]` or `{for k, v in coll : key => value... if cond}`. */
export interface ForExpr extends Span {
  kind: 'for';
  /** Produces an object (`{for ...}`) rather than a list. */
  object: boolean;
  keyVar: string | undefined;
  valueVar: string;
  collection: Expr;
  keyExpr: Expr | undefined;
  valueExpr: Expr;
  condition: Expr | undefined;
  /** `value...`: values with the same key are grouped into lists. */
  grouping: boolean;
}

export type Expr =
  | LiteralExpr
  | TemplateExpr
  | ListExpr
  | ObjectExpr
  | RefExpr
  | NameExpr
  | GetAttrExpr
  | IndexExpr
  | SplatExpr
  | SplatItemExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | ConditionalExpr
  | ForExpr;
