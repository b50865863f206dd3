/**
 * Loading a project parses each config file once (issue #24: at 50k resources the parse made
 * to find module calls and the project's own parse were a third of `hl plan`): loadConfigTree
 * hands its parses on, and projectFromFiles reuses a parse only for the very same files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { error } from '../../src/core/diagnostic.js';
import type { ConfigFile } from '../../src/config/config-types.js';
import type { ConfigParse } from '../../src/engine/load-modules.js';
import { loadConfigTree, loadProject, projectFromFiles } from '../../src/engine/project.js';

const NO_VARS = { vars: [], varFiles: [], env: {} };
const ROOT = `
modules:
  node: { source: ./modules/node, name: a }
resources:
  fake_resource.root: { name: root, value: "\${module.node.id}" }
`;
const MODULE = `
variables:
  name: { type: string }
resources:
  fake_resource.this: { name: "\${var.name}" }
outputs:
  id: { value: "\${fake_resource.this.id}" }
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-parsed-once-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'modules', 'node'), { recursive: true });
  writeFileSync(join(dir, 'main.yaml'), ROOT);
  writeFileSync(join(dir, 'modules', 'node', 'main.yaml'), MODULE);
  return dir;
}

/** A parse that no real parse gives: seeing its diagnostic proves it was used. */
function marked(files: readonly ConfigFile[], module: boolean): ConfigParse {
  return { files, module, result: { diagnostics: [error(`reused ${module ? 'module' : 'root'} parse`)] } };
}

describe('config files parsed once', () => {
  it('loadConfigTree returns the parses it made: the root files and each module directory', async () => {
    const tree = await loadConfigTree(project());
    expect(tree.diagnostics).toEqual([]);
    expect(tree.parses?.map((p) => [p.module, p.files.map((f) => f.path.split('/').slice(-3).join('/'))])).toEqual([
      [false, [expect.stringMatching(/main\.yaml$/)]],
      [true, ['modules/node/main.yaml']],
    ]);
    expect(tree.parses?.every((p) => p.result.config !== undefined)).toBe(true);
    for (const p of tree.parses ?? []) for (const f of p.files) expect(tree.files).toContain(f);
  });

  it('projectFromFiles uses a given parse of the same file objects, for the root and for a module', async () => {
    const tree = await loadConfigTree(project());
    const root = tree.files.filter((f) => f.module === undefined);
    const mod = tree.files.filter((f) => f.module !== undefined);
    const viaRoot = await projectFromFiles(tree.files, '/tmp', NO_VARS, { parses: [marked(root, false)] });
    expect(viaRoot.diagnostics.map((d) => d.summary)).toEqual(['reused root parse']);
    const viaModule = await projectFromFiles(tree.files, '/tmp', NO_VARS, { parses: [marked(mod, true)] });
    expect(viaModule.diagnostics.map((d) => d.summary)).toEqual(['reused module parse']);
  });

  it('projectFromFiles parses afresh files that are equal but not the same objects, or of the other kind', async () => {
    const tree = await loadConfigTree(project());
    const root = tree.files.filter((f) => f.module === undefined);
    const copies = root.map((f) => ({ ...f }));
    const r = await projectFromFiles(tree.files, '/tmp', NO_VARS, { parses: [marked(copies, false), marked(root, true)] });
    expect(r.diagnostics).toEqual([]);
    expect(r.project).toBeDefined();
  });

  it('loadProject gives the project a fresh parse of the same files gives', async () => {
    const dir = project();
    const loaded = await loadProject(dir, NO_VARS);
    const fresh = await projectFromFiles(loaded.files, dir, NO_VARS);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.project!.configHash).toBe(fresh.project!.configHash);
    expect([...loaded.project!.config.resources.keys()]).toEqual([...fresh.project!.config.resources.keys()]);
    expect(loaded.project!.graph.order).toEqual(fresh.project!.graph.order);
  });
});
