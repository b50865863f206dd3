/**
 * Walking a value and a set of paths together. The renderers descend into before/after
 * values key by key; a cursor follows the same steps through a trie of the plan's paths
 * (sensitive paths, paths forcing a replacement), so asking "is this value sensitive?" costs
 * one map lookup per step instead of a scan of every path.
 *
 * A sensitive path covers the value at that path and everything inside it.
 */
import { isRedacted } from '../plan/plan-codec.js';
import type { Path, Value } from '../core/value.js';

type Step = string | number;

class TrieNode<T> {
  value: T | undefined;
  children: Map<Step, TrieNode<T>> | undefined;

  child(step: Step): TrieNode<T> | undefined {
    return this.children?.get(step);
  }

  childOrNew(step: Step): TrieNode<T> {
    this.children ??= new Map();
    let next = this.children.get(step);
    if (!next) {
      next = new TrieNode<T>();
      this.children.set(step, next);
    }
    return next;
  }
}

/** Follows sensitive paths: `covered` is true at a sensitive path and below it. */
export class SensitiveCursor {
  static readonly NONE = new SensitiveCursor(undefined, false);
  static readonly ALL = new SensitiveCursor(undefined, true);

  private constructor(
    private readonly node: TrieNode<true> | undefined,
    readonly covered: boolean,
  ) {}

  static of(paths: readonly Path[]): SensitiveCursor {
    if (paths.length === 0) return SensitiveCursor.NONE;
    const root = new TrieNode<true>();
    for (const path of paths) {
      let node = root;
      for (const step of path) node = node.childOrNew(step);
      node.value = true;
    }
    return root.value ? SensitiveCursor.ALL : new SensitiveCursor(root, false);
  }

  step(step: Step): SensitiveCursor {
    if (this.covered) return SensitiveCursor.ALL;
    const next = this.node?.child(step);
    if (!next) return SensitiveCursor.NONE;
    return next.value ? SensitiveCursor.ALL : new SensitiveCursor(next, false);
  }

  /** True when the value here must not be shown: a sensitive path, or a REDACTED placeholder. */
  hides(value: Value | undefined): boolean {
    return this.covered || isRedacted(value);
  }
}

/**
 * Follows the paths forcing a replacement; remembers which reasons were shown. Also carries
 * notes shown after an attribute's change on its line (how a migration moves a guest).
 */
export class ReplaceCursor {
  static readonly NONE = new ReplaceCursor(undefined, undefined, undefined);

  private constructor(
    private readonly node: TrieNode<string> | undefined,
    private readonly shown: Set<TrieNode<string>> | undefined,
    private readonly noteNode: TrieNode<string> | undefined,
  ) {}

  static of(paths: readonly { path: Path; reason: string }[], notes: readonly { path: Path; note: string }[] = []): ReplaceCursor {
    if (paths.length === 0 && notes.length === 0) return ReplaceCursor.NONE;
    const root = new TrieNode<string>();
    for (const { path, reason } of paths) {
      let node = root;
      for (const step of path) node = node.childOrNew(step);
      node.value = node.value === undefined ? reason : `${node.value}; ${reason}`;
    }
    let noteRoot: TrieNode<string> | undefined;
    for (const { path, note } of notes) {
      noteRoot ??= new TrieNode<string>();
      let node = noteRoot;
      for (const step of path) node = node.childOrNew(step);
      node.value = node.value === undefined ? note : `${node.value}; ${note}`;
    }
    return new ReplaceCursor(paths.length > 0 ? root : undefined, paths.length > 0 ? new Set() : undefined, noteRoot);
  }

  step(step: Step): ReplaceCursor {
    const next = this.node?.child(step);
    const note = this.noteNode?.child(step);
    return next || note ? new ReplaceCursor(next, next ? this.shown : undefined, note) : ReplaceCursor.NONE;
  }

  /** The note for the change at exactly this path (a migration's how). */
  note(): string | undefined {
    return this.noteNode?.value;
  }

  /** The reason a replacement is forced at exactly this path, marking it as shown. */
  take(): string | undefined {
    const node = this.node;
    if (!node || node.value === undefined || !this.shown) return undefined;
    this.shown.add(node);
    return node.value;
  }

  /** Reasons that were never shown on an attribute line (their path was not rendered). */
  unshown(paths: readonly { path: Path; reason: string }[]): { path: Path; reason: string }[] {
    const root = this.node;
    if (!root || !this.shown) return [];
    const out: { path: Path; reason: string }[] = [];
    const seen = new Set<TrieNode<string>>();
    for (const p of paths) {
      let node: TrieNode<string> | undefined = root;
      for (const step of p.path) node = node?.child(step);
      if (!node || this.shown.has(node) || seen.has(node)) continue;
      seen.add(node);
      out.push({ path: p.path, reason: node.value ?? p.reason });
    }
    return out;
  }
}
