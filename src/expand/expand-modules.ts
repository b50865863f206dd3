/**
 * Expanding module calls (pure). Every `modules:` call is expanded by its count/for_each
 * into module instances (`module.k3s_node["pve"]`), nested calls inside those, and so on;
 * the resources of every instance join the root config's resources under their full
 * addresses (`module.k3s_node["pve"].proxmox_vm.this`), with their provider keys mapped
 * through the module blocks' `providers:`. After this the graph, the planner and the
 * executor see one flat set of blocks, each knowing the module instance whose scope it is
 * evaluated in.
 *
 * A module call's count/for_each must be known before any resource is planned: it may use
 * variables, locals and module inputs, not resource attributes.
 */
import { blockAddress, formatKey } from '../core/address.js';
import { dedupeDiagnostics, error, formatLocation, type Diagnostic } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import { UNKNOWN } from '../core/value.js';
import type { Config, ModuleCall, ModuleInstance } from '../config/config-types.js';
import type { ScopedValue } from '../lang/eval-context.js';
import { EvaluationScope } from './evaluation-scope.js';
import { expandBlock, instanceContext, instanceKeys } from './expand-instances.js';

/** Module instances in one config, at most (a for_each inside a for_each multiplies). */
export const MAX_MODULE_INSTANCES = 10_000;
/** Modules calling modules, at most this deep. */
export const MAX_MODULE_DEPTH = 16;

export interface ModuleSources {
  /** The parsed config of each module directory, keyed as `dirOf` names them. */
  configs: ReadonlyMap<string, Config>;
  /** The directory a call's source names (relative to the file the call is written in). */
  dirOf(call: ModuleCall): string;
}

export interface ExpandModulesRequest {
  root: Config;
  sources: ModuleSources;
  variables: ReadonlyMap<string, ScopedValue>;
  paths: { root: string; cwd: string };
  readFile?: (path: string) => string | undefined;
  /** `hl validate`: a count/for_each not known yet (unset variables) expands to nothing, silently. */
  validateOnly?: boolean;
}

interface Pending {
  parent: string;
  config: Config;
  /** Provider key in this module → provider key in the root config. */
  provider: (key: string) => string;
  /** Module directories from the root to here, for cycles. */
  chain: string[];
}

export function expandModules(req: ExpandModulesRequest): { config: Config; diagnostics: Diagnostic[] } {
  const { root, sources } = req;
  const diagnostics: Diagnostic[] = [];
  const config: Config = { ...root, resources: new Map(root.resources), moduleInstances: new Map() };
  if (root.moduleCalls.size === 0) return { config, diagnostics };
  const scope = new EvaluationScope({
    config,
    variables: req.variables,
    blockValue: () => ({ value: UNKNOWN }),
    paths: req.paths,
    moduleOutputsUnknown: true,
    ...(req.readFile ? { readFile: req.readFile } : {}),
  });
  const queue: Pending[] = [{ parent: '', config: root, provider: (k) => k, chain: [] }];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const call of [...at.config.moduleCalls.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const dir = sources.dirOf(call);
      const module = sources.configs.get(dir);
      if (!module) throw new Error(`module directory ${dir} was not loaded`);
      const callAddress = `${at.parent ? `${at.parent}.` : ''}module.${call.name}`;
      if (at.chain.includes(dir)) {
        diagnostics.push(
          error(
            `Module cycle: ${[...at.chain, dir].join(' -> ')}`,
            call.sourceLoc,
            `${callAddress} calls a module that is already being expanded; a module cannot call itself, directly or through others.`,
          ),
        );
        continue;
      }
      if (at.chain.length >= MAX_MODULE_DEPTH) {
        diagnostics.push(error(`Modules are nested more than ${MAX_MODULE_DEPTH} deep at ${callAddress}`, call.loc));
        continue;
      }
      diagnostics.push(...inputProblems(call, module, callAddress));
      const { expansion, diagnostics: expandProblems } = expandBlock({ ...call, address: callAddress }, scope.forModule(at.parent));
      if (!(expansion.kind === 'unknown' && req.validateOnly)) diagnostics.push(...expandProblems);
      const provider = (key: string): string => at.provider(call.providers.get(key)?.key ?? key);
      for (const key of instanceKeys(expansion)) {
        if (config.moduleInstances.size >= MAX_MODULE_INSTANCES) {
          diagnostics.push(error(`More than ${MAX_MODULE_INSTANCES} module instances; stopped expanding at ${callAddress}`, call.loc));
          return { config, diagnostics };
        }
        const path = `${callAddress}${formatKey(key)}`;
        const instance: ModuleInstance = { path, parent: at.parent, call, key, config: module, dir, ...instanceContext(expansion, key) };
        config.moduleInstances.set(path, instance);
        for (const r of module.resources.values()) {
          const mapped = provider(r.provider);
          config.resources.set(blockAddress({ ...r, module: path }), {
            ...r,
            address: blockAddress({ ...r, module: path }),
            module: path,
            provider: mapped,
          });
          const alias = mapped.includes('.');
          if (alias && !root.providers.has(mapped))
            diagnostics.push(undeclaredProvider(r.provider, mapped, path, r.providerLoc ?? r.loc, root));
        }
        queue.push({ parent: path, config: module, provider, chain: [...at.chain, dir] });
        // inputs known now (from variables and locals) are converted and validated now, so
        // hl validate reports them; those from resources are checked when they are known
        const variables = scope.forModule(path).context().variables;
        for (const name of module.variables.keys()) variables.get(name);
      }
    }
  }
  return { config, diagnostics: byLocation([...diagnostics, ...scope.diagnostics]) };
}

/** Inputs the module does not declare, and variables without a default the call does not set. */
function inputProblems(call: ModuleCall, module: Config, callAddress: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, input] of call.inputs) {
    if (module.variables.has(name)) continue;
    const s = didYouMean(name, module.variables.keys());
    out.push(
      error(
        `Unsupported input "${name}" in ${callAddress}: the module at ${call.source} declares no variable "${name}"`,
        input.loc,
        s ? `Did you mean "${s}"?` : `Its variables: ${[...module.variables.keys()].sort().join(', ') || 'none'}.`,
      ),
    );
  }
  for (const v of module.variables.values()) {
    if (v.default !== undefined || call.inputs.has(v.name)) continue;
    out.push(
      error(
        `Missing required input "${v.name}" in ${callAddress}`,
        call.loc,
        `The module declares variable "${v.name}" without a default at ${formatLocation(v.loc)}; set ${v.name}: ... in the module block.`,
      ),
    );
  }
  return out;
}

function undeclaredProvider(local: string, mapped: string, path: string, loc: Diagnostic['location'], root: Config): Diagnostic {
  const type = mapped.split('.')[0];
  const sameType = [...root.providers.keys()].filter((k) => k.split('.')[0] === type);
  const s = didYouMean(mapped, sameType);
  return error(
    `Provider "${mapped}" is not declared in the root config (used as "${local}" in ${path})`,
    loc,
    s
      ? `Did you mean "${s}"? Pass it to the module with providers: { ${local}: ${s} } in its module block.`
      : `Declare it under providers: in the root config, or pass another with providers: { ${local}: ... } in the module block.`,
  );
}

/** Each problem once (every instance of a module would repeat it), by location. */
function byLocation(diags: Diagnostic[]): Diagnostic[] {
  const at = (d: Diagnostic): [string, number, number] =>
    d.location ? [d.location.file, d.location.line, d.location.col] : ['\uffff', 0, 0];
  return dedupeDiagnostics(diags).sort((a, b) => {
    const [fa, la, ca] = at(a);
    const [fb, lb, cb] = at(b);
    return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
  });
}
