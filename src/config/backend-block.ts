/**
 * `hl: { backend: { type, ... } }`: where the state lives. It is read before anything else
 * (before variables, providers or the state itself), so its values are plain literals: no
 * `${...}`, and no secret (a password belongs in PGPASSWORD, ~/.pgpass or HL_PG_CONN_STR).
 */
import { error, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import type { Node } from '../yaml/node.js';
import { parseYamlFile } from '../yaml/yaml-to-node.js';
import type { ConfigFile } from './config-types.js';

export const BACKEND_TYPES = ['file', 'pg'] as const;
export type BackendType = (typeof BACKEND_TYPES)[number];

/** Each backend's settings and their kinds. */
const SETTINGS: Record<BackendType, Record<string, 'string' | 'boolean'>> = {
  file: { path: 'string' },
  pg: { conn_str: 'string', schema_name: 'string', ca_file: 'string', insecure_plaintext: 'boolean' },
};

export interface BackendBlock {
  type: BackendType;
  settings: Record<string, string | boolean>;
  /** Where `backend:` was written. */
  loc: SourceLocation;
  /** Where each setting's value was written. */
  locs: Record<string, SourceLocation>;
}

/** The backend block of the config's files (at most one), or the errors in it. */
export function findBackendBlock(files: readonly ConfigFile[]): { block?: BackendBlock; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let found: { node: Node; keyLoc: SourceLocation } | undefined;
  for (const file of files) {
    if (!/^hl\s*:/m.test(file.text)) continue; // cheap: most files have no hl block
    const parsed = parseYamlFile(file);
    if (parsed.node?.kind !== 'map') continue; // reported when the config is parsed
    const hl = parsed.node.entries.find((e) => e.key === 'hl');
    if (hl?.value.kind !== 'map') continue;
    const backend = hl.value.entries.find((e) => e.key === 'backend');
    if (!backend) continue;
    if (found) {
      diagnostics.push(
        error(
          'A second hl.backend block',
          backend.keyLoc,
          `The state has one home; the first backend block is at ${found.keyLoc.file}:${found.keyLoc.line}:${found.keyLoc.col}.`,
        ),
      );
      continue;
    }
    found = { node: backend.value, keyLoc: backend.keyLoc };
  }
  if (!found || diagnostics.length > 0) return { diagnostics };
  const push = (d: Diagnostic): void => void diagnostics.push(d);
  const block = decodeBackend(found.node, found.keyLoc, { shape: push, semantic: push });
  return block && diagnostics.length === 0 ? { block, diagnostics } : { diagnostics };
}

/**
 * Where decodeBackend reports: `shape` for what the config schema also says (wrong kinds,
 * unknown settings), `semantic` for what only this knows (an expression, a password).
 */
export interface BackendProblems {
  shape(d: Diagnostic): void;
  semantic(d: Diagnostic): void;
}

/** The block written at `keyLoc`, or undefined after reporting why not. */
export function decodeBackend(node: Node, keyLoc: SourceLocation, problems: BackendProblems): BackendBlock | undefined {
  if (node.kind !== 'map') {
    problems.shape(error('hl.backend must be a map such as { type: pg, conn_str: "postgres://hl@db/homelab" }', node.loc));
    return undefined;
  }
  const typeEntry = node.entries.find((e) => e.key === 'type');
  const type = typeEntry?.value.kind === 'scalar' ? typeEntry.value.value : undefined;
  if (typeof type !== 'string' || !(BACKEND_TYPES as readonly string[]).includes(type)) {
    problems.shape(
      error(
        typeEntry ? `Unknown backend type ${JSON.stringify(type)}` : 'hl.backend needs a type',
        typeEntry?.value.loc ?? keyLoc,
        `The backends are ${BACKEND_TYPES.join(' and ')}.`,
      ),
    );
    return undefined;
  }
  const kinds = SETTINGS[type as BackendType];
  const block: BackendBlock = { type: type as BackendType, settings: {}, loc: keyLoc, locs: {} };
  for (const e of node.entries) {
    if (e.key === 'type') continue;
    const kind = kinds[e.key];
    if (!kind) {
      const suggestion = didYouMean(e.key, Object.keys(kinds));
      problems.shape(
        error(
          `Unsupported setting "${e.key}" for the ${type} backend`,
          e.keyLoc,
          suggestion ? `Did you mean "${suggestion}"?` : `Its settings are ${Object.keys(kinds).join(', ')}.`,
        ),
      );
      continue;
    }
    const v = e.value;
    if (v.kind !== 'scalar' || typeof v.value !== kind) {
      problems.shape(error(`hl.backend.${e.key} must be a ${kind}`, v.loc));
      continue;
    }
    if (typeof v.value === 'string' && v.value.includes('${')) {
      problems.semantic(
        error(
          `hl.backend.${e.key} cannot use an expression`,
          v.loc,
          'The backend is read before variables exist; write the value itself, or set it from the environment (HL_PG_CONN_STR, PG* variables).',
        ),
      );
      continue;
    }
    if (e.key === 'conn_str' && typeof v.value === 'string' && connStrHoldsPassword(v.value)) {
      problems.semantic(
        error(
          'hl.backend.conn_str holds a password',
          v.loc,
          'A config file is shared and reviewed: keep the password out of it. Set PGPASSWORD, use ~/.pgpass, or give the whole connection string in HL_PG_CONN_STR.',
        ),
      );
      continue;
    }
    block.settings[e.key] = v.value as string | boolean;
    block.locs[e.key] = v.loc;
  }
  return block;
}

/** `postgres://user:secret@host/db` or a `password=` keyword: a secret in the text. */
export function connStrHoldsPassword(connStr: string): boolean {
  if (/^postgres(ql)?:\/\//i.test(connStr)) {
    try {
      const url = new URL(connStr);
      return url.password !== '' || url.searchParams.has('password');
    } catch {
      return /:[^@/]*@/.test(connStr);
    }
  }
  return /(^|\s)password\s*=/i.test(connStr);
}
