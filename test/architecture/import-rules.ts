/**
 * The checker behind import-rules.test.ts: reads the floor table of ARCHITECTURE.md (floor,
 * pure, may import), finds every import of every source file (static, `import type`,
 * re-exports, `await import`) with TypeScript's own pre-processor, and reports each import a
 * row does not allow, each file no row covers, each pure floor that uses an I/O module, and
 * each cycle between floors.
 */
import { posix } from 'node:path';
import ts from 'typescript';

export interface FloorRule {
  /** `src/core` (a folder) or `src/cli/main.ts` (one file). */
  floor: string;
  pure: boolean;
  /** Floors (or files) it may import; `providers/*` allows every provider folder. */
  mayImport: string[];
}

export interface SourceFile {
  /** Repository-relative, forward slashes: `src/plan/planner.ts`. */
  path: string;
  text: string;
}

/** Node modules a pure floor may use: neither touches a file, the network, the clock or the environment. */
const PURE_NODE_MODULES = new Set(['node:path', 'node:crypto', 'node:module']);
/** Packages that do I/O, kept out of pure floors. */
const IO_PACKAGES = new Set(['undici', 'socket.io-client', 'proxmox-api', 'lowdb']);
/** Data files any floor may import (JSON Schemas, package.json). */
const DATA_PREFIXES = ['schemas/', 'package.json'];

/** Parses the table under `## Floors` of ARCHITECTURE.md. */
export function parseFloorTable(markdown: string): FloorRule[] {
  const start = markdown.indexOf('\n## Floors');
  if (start < 0) throw new Error('ARCHITECTURE.md has no "## Floors" section');
  const rules: FloorRule[] = [];
  for (const line of markdown.slice(start + 1).split('\n').slice(1)) {
    if (line.startsWith('## ')) break;
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 6 || !cells[1]!.startsWith('`')) continue;
    const floor = cells[1]!.replaceAll('`', '');
    const mayImport = [...cells[4]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    rules.push({ floor, pure: cells[3] === 'yes', mayImport });
  }
  return rules;
}

/** The most specific row covering a path (a file row before its folder's row). */
export function floorOf(path: string, rules: FloorRule[]): FloorRule | undefined {
  let best: FloorRule | undefined;
  for (const r of rules) {
    const covers = path === r.floor || path.startsWith(`${r.floor}/`);
    if (covers && (!best || r.floor.length > best.floor.length)) best = r;
  }
  return best;
}

function allows(rule: FloorRule, target: string, rules: FloorRule[]): boolean {
  const targetRow = floorOf(target, rules);
  if (!targetRow) return false;
  // inside one folder, a file row and the rest of its folder may import each other
  if (folderFloor(targetRow.floor) === folderFloor(rule.floor)) return true;
  for (const allowed of rule.mayImport) {
    if (allowed === targetRow.floor || target === allowed) return true;
    if (allowed.endsWith('/*') && targetRow.floor.startsWith(allowed.slice(0, -1))) return true;
    if (targetRow.floor.startsWith(`${allowed}/`)) return true;
  }
  return false;
}

/** Where an import of a file points: a repository path, or the bare module name. */
function resolveImport(from: string, specifier: string): { path: string } | { module: string } {
  if (!specifier.startsWith('.')) return { module: specifier };
  const joined = posix.normalize(posix.join(posix.dirname(from), specifier));
  return { path: joined.endsWith('.js') ? `${joined.slice(0, -3)}.ts` : joined };
}

export interface Violation {
  file: string;
  message: string;
}

export function checkImports(files: SourceFile[], rules: FloorRule[]): Violation[] {
  const violations: Violation[] = [];
  const edges = new Map<string, Set<string>>();
  for (const file of files) {
    const rule = floorOf(file.path, rules);
    if (!rule) {
      violations.push({ file: file.path, message: 'no row of ARCHITECTURE.md covers this file' });
      continue;
    }
    for (const imported of ts.preProcessFile(file.text, true, true).importedFiles) {
      const target = resolveImport(file.path, imported.fileName);
      if ('module' in target) {
        const io = target.module.startsWith('node:') ? !PURE_NODE_MODULES.has(target.module) : IO_PACKAGES.has(target.module);
        if (rule.pure && io) violations.push({ file: file.path, message: `pure floor ${rule.floor} imports ${target.module}` });
        continue;
      }
      if (DATA_PREFIXES.some((p) => target.path.startsWith(p))) continue;
      const targetRow = floorOf(target.path, rules);
      if (!allows(rule, target.path, rules)) {
        violations.push({ file: file.path, message: `${rule.floor} may not import ${targetRow?.floor ?? target.path} (${imported.fileName})` });
      }
      if (targetRow && targetRow.floor !== rule.floor) {
        const from = folderFloor(rule.floor);
        const to = folderFloor(targetRow.floor);
        if (from !== to) {
          if (!edges.has(from)) edges.set(from, new Set());
          edges.get(from)!.add(to);
        }
      }
    }
  }
  for (const cycle of floorCycles(edges)) violations.push({ file: cycle[0]!, message: `floors import each other: ${cycle.join(' -> ')}` });
  return violations;
}

/** A file row counts as its folder for cycles (src/cli/main.ts is part of src/cli). */
function folderFloor(floor: string): string {
  return floor.endsWith('.ts') && floor.split('/').length > 2 ? posix.dirname(floor) : floor;
}

/** One cycle per strongly connected group of floors (Tarjan), as a path back to its start. */
export function floorCycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) cycles.push([...group.reverse(), group[0]!]);
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}
