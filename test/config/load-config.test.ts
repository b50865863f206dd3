import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFiles, loadVarFiles } from '../../src/engine/load-config.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hl-load-config-'));
  await mkdir(path.join(dir, 'config'));
  await writeFile(path.join(dir, 'config', 'b.yaml'), 'resources: {}\n');
  await writeFile(path.join(dir, 'config', 'a.yml'), 'variables: {}\n');
  await writeFile(path.join(dir, 'config', 'C.YAML'), 'outputs: {}\n');
  await writeFile(path.join(dir, 'config', 'notes.txt'), 'not config\n');
  await mkdir(path.join(dir, 'config', 'nested.yaml'));
  await mkdir(path.join(dir, 'config', 'sub'));
  await writeFile(path.join(dir, 'config', 'sub', 'deep.yaml'), 'locals: {}\n');
  await mkdir(path.join(dir, 'empty'));
  await writeFile(path.join(dir, 'single.yaml'), 'hl: { version: 1 }\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadConfigFiles', () => {
  it('reads a single file', async () => {
    const r = await loadConfigFiles(path.join(dir, 'single.yaml'));
    expect(r.diagnostics).toEqual([]);
    expect(r.files).toEqual([{ path: path.join(dir, 'single.yaml'), text: 'hl: { version: 1 }\n' }]);
  });

  it('reads the *.yaml and *.yml files of a directory, sorted, not recursively', async () => {
    const r = await loadConfigFiles(path.join(dir, 'config'));
    expect(r.diagnostics).toEqual([]);
    expect(r.files.map((f) => path.basename(f.path))).toEqual(['C.YAML', 'a.yml', 'b.yaml']);
  });

  it('says clearly that a path does not exist', async () => {
    const missing = path.join(dir, 'homelab.yaml');
    const r = await loadConfigFiles(missing);
    expect(r.files).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.summary).toBe(`Config path "${missing}" does not exist`);
    expect(r.diagnostics[0]!.detail).toContain('--config');
  });

  it('reports a directory without config files', async () => {
    const r = await loadConfigFiles(path.join(dir, 'empty'));
    expect(r.diagnostics[0]!.summary).toBe(`No config files in directory "${path.join(dir, 'empty')}"`);
  });

  it('keeps relative paths as given and shows absolute paths under the current directory relative to it', async () => {
    const rel = 'test/fixtures/invalid/yaml-tab-indent';
    const fromRelative = await loadConfigFiles(`./${rel}/`);
    expect(fromRelative.files.map((f) => f.path)).toEqual([`${rel}/main.yaml`]);
    const fromAbsolute = await loadConfigFiles(path.resolve(rel));
    expect(fromAbsolute.files.map((f) => f.path)).toEqual([`${rel}/main.yaml`]);
  });
});

describe('loadVarFiles', () => {
  it('reads the files and reports missing ones', async () => {
    const missing = path.join(dir, 'nope.yaml');
    const r = await loadVarFiles([path.join(dir, 'single.yaml'), missing, path.join(dir, 'config')]);
    expect(r.files.map((f) => f.path)).toEqual([path.join(dir, 'single.yaml')]);
    expect(r.diagnostics.map((d) => d.summary)).toEqual([
      `Variable file "${missing}" does not exist`,
      `Variable file "${path.join(dir, 'config')}" is not a file`,
    ]);
  });
});
