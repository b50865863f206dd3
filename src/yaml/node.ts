/**
 * The YAML syntax tree: scalars, maps and lists, each with where it was written. Config,
 * variable and policy files are parsed into it (yaml-to-node.ts); the expression language
 * and the config decoder read it.
 */
import type { SourceLocation } from '../core/diagnostic.js';

export type Node = ScalarNode | MapNode | SeqNode;

export interface ScalarNode {
  kind: 'scalar';
  value: string | number | boolean | null;
  loc: SourceLocation;
  /** How a string was written, so columns inside it can be computed exactly. */
  style?: 'plain' | 'single' | 'double' | 'block';
}

export interface MapEntry {
  key: string;
  keyLoc: SourceLocation;
  value: Node;
}

export interface MapNode {
  kind: 'map';
  entries: MapEntry[];
  loc: SourceLocation;
}

export interface SeqNode {
  kind: 'seq';
  items: Node[];
  loc: SourceLocation;
}
