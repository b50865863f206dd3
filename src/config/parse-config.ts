/**
 * Config files → the `Config` model (pure). Per file: YAML → node tree, the tree checked
 * against the config schema, then decoded into blocks. Files are merged; an address
 * declared twice is an error at the second declaration. Finally each resource's
 * explicit `provider` is checked against the declared providers.
 *
 * Expressions stay unevaluated; references, cycles and per-type attributes are checked
 * by later stages.
 */
import { providerTypeOf } from '../core/address.js';
import { formatLocation, hasErrors, error, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import type { Config, ConfigFile } from './config-types.js';
import { CONFIG_SCHEMA, describeConfigPath } from './config-schema.js';
import { decodeConfigFile, type DecodedFile } from './decode-config-file.js';
import { checkRefactoringBlocks } from './decode-refactoring-blocks.js';
import { DecodeReport } from './decode-report.js';
import { nodeToValue } from '../yaml/node-value.js';
import type { PrecompiledValidators } from '../schema/precompiled-validators.js';
import { validateAgainstSchema } from '../schema/schema-validator.js';
import { didYouMean } from '../core/suggest.js';
import { parseYamlFile } from '../yaml/yaml-to-node.js';
import type { Node } from '../yaml/node.js';

export interface ParseConfigResult {
  /** Absent when there are errors. */
  config?: Config;
  diagnostics: Diagnostic[];
}

export interface ParseConfigOptions {
  /** The build's validators (the engine passes them); without them the config schema is compiled at run time. */
  precompiled?: PrecompiledValidators;
  /**
   * The files are a module's (its directory): provider blocks, policies and hl settings
   * belong to the root config, and provider aliases are resolved through the calling
   * module block, so they are not checked here.
   */
  module?: boolean;
}

/** A config with no blocks (the start of a parse, or what a command without a config works on). */
export function emptyConfig(files: ConfigFile[] = []): Config {
  return {
    files,
    variables: new Map(),
    providers: new Map(),
    locals: new Map(),
    resources: new Map(),
    outputs: new Map(),
    policies: [],
    moduleCalls: new Map(),
    moduleInstances: new Map(),
    moved: [],
    imports: [],
    removed: [],
  };
}

export function parseConfig(files: ConfigFile[], options: ParseConfigOptions = {}): ParseConfigResult {
  const diagnostics: Diagnostic[] = [];
  const config = emptyConfig(files);
  for (const file of files) {
    const parsed = parseYamlFile(file);
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.node) continue;
    const schemaProblems = validateAgainstSchema(CONFIG_SCHEMA, nodeToValue(parsed.node), parsed.node, file.path, {
      describePath: describeConfigPath,
      nullIsUnset: false,
      precompiled: options.precompiled,
    });
    diagnostics.push(...schemaProblems);
    const report = new DecodeReport();
    const decoded = decodeConfigFile(parsed.node, report);
    diagnostics.push(...report.semantic);
    if (schemaProblems.length === 0) diagnostics.push(...report.shape);
    if (options.module) diagnostics.push(...rootOnlyBlocks(parsed.node));
    merge(config, decoded, diagnostics);
  }
  if (!options.module) diagnostics.push(...checkProviderReferences(config));
  diagnostics.push(...checkRefactoringBlocks(config));
  const sorted = sortDiagnostics(diagnostics, files);
  return hasErrors(sorted) ? { diagnostics: sorted } : { config, diagnostics: sorted };
}

function merge(config: Config, file: DecodedFile, diagnostics: Diagnostic[]): void {
  const add = <T extends { loc: SourceLocation }>(map: Map<string, T>, key: string, item: T, what: string): void => {
    const first = map.get(key);
    if (first) {
      diagnostics.push(error(`Duplicate ${what}; first declared at ${formatLocation(first.loc)}`, item.loc));
      return;
    }
    map.set(key, item);
  };
  for (const v of file.variables) add(config.variables, v.name, v, `variable "${v.name}"`);
  for (const p of file.providers) add(config.providers, p.key, p, `provider "${p.key}"`);
  for (const l of file.locals) add(config.locals, l.name, l, `local "${l.name}"`);
  for (const r of file.resources) add(config.resources, r.address, r, `${r.mode === 'data' ? 'data source' : 'resource'} "${r.address}"`);
  for (const o of file.outputs) add(config.outputs, o.name, o, `output "${o.name}"`);
  for (const m of file.moduleCalls) add(config.moduleCalls, m.name, m, `module "${m.name}"`);
  config.policies.push(...file.policies);
  for (const c of file.checks) add((config.checks ??= new Map()), c.name, c, `check "${c.name}"`);
  config.moved.push(...file.moved);
  config.imports.push(...file.imports);
  config.removed.push(...file.removed);
}

/** What only the root config may hold: provider settings, policies, hl's own settings, refactoring and check blocks. */
function rootOnlyBlocks(root: Node): Diagnostic[] {
  if (root.kind !== 'map') return [];
  const out: Diagnostic[] = [];
  for (const e of root.entries) {
    if (e.key === 'providers') {
      out.push(
        error(
          'A module cannot configure providers',
          e.keyLoc,
          'Configure providers in the root config; a module uses them by name, or through providers: { kuma: kuma.fun-bedbug } in the module block that calls it.',
        ),
      );
    } else if (['policies', 'hl', 'moved', 'import', 'removed', 'checks'].includes(e.key)) {
      out.push(error(`"${e.key}" belongs in the root config, not in a module`, e.keyLoc));
    }
  }
  return out;
}

/**
 * An explicit `provider` must be of the resource's provider type, and an aliased one
 * must be declared. (A default provider without a block is configured with no settings.)
 */
function checkProviderReferences(config: Config): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of config.resources.values()) {
    if (!r.providerLoc) continue;
    const needed = providerTypeOf(r.type);
    const [type, alias] = splitProviderKey(r.provider);
    if (type !== needed) {
      out.push(error(`${r.address} cannot use provider "${r.provider}": a ${r.type} needs a "${needed}" provider`, r.providerLoc));
      continue;
    }
    if (alias !== undefined && !config.providers.has(r.provider)) {
      const sameType = [...config.providers.keys()].filter((k) => splitProviderKey(k)[0] === type);
      const suggestion = didYouMean(r.provider, sameType);
      out.push(
        error(
          `Provider "${r.provider}" is not declared${suggestion ? `. Did you mean "${suggestion}"?` : ''}`,
          r.providerLoc,
          `Declare it under providers:, for example\n  providers:\n    ${r.provider}: { ... }`,
        ),
      );
    }
  }
  return out;
}

function splitProviderKey(key: string): [string, string | undefined] {
  const dot = key.indexOf('.');
  return dot < 0 ? [key, undefined] : [key.slice(0, dot), key.slice(dot + 1)];
}

/** By file (in the order given), then line and column; unlocated ones last. */
function sortDiagnostics(diags: Diagnostic[], files: ConfigFile[]): Diagnostic[] {
  const order = new Map(files.map((f, i) => [f.path, i]));
  const rank = (d: Diagnostic): [number, number, number] =>
    d.location ? [order.get(d.location.file) ?? files.length, d.location.line, d.location.col] : [files.length + 1, 0, 0];
  return diags
    .map((d, i) => ({ d, i, r: rank(d) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.r[2] - b.r[2] || a.i - b.i)
    .map((x) => x.d);
}
