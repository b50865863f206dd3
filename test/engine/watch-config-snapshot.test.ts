import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchConfigChanges } from '../../src/engine/watch/config-change-watch.js';
import { changedSince, configScope, takeConfigSnapshot } from '../../src/engine/watch/config-snapshot.js';

describe("hl watch: whether the config's files changed since they were loaded", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hl-snapshot-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a config file: its content changed, replaced by a rename, or removed; a touch alone is no change', () => {
    const file = join(dir, 'homelab.yaml');
    writeFileSync(file, 'resources: {}\n');
    const snap = () => takeConfigSnapshot(configScope(file, [{ path: file, text: 'resources: {}\n' }]));
    let s = snap();
    expect(changedSince(s)).toEqual([]);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(changedSince(s)).toEqual([]);
    writeFileSync(file, 'resources: { }\n');
    expect(changedSince(s)).toEqual([file]);
    s = snap();
    writeFileSync(join(dir, 'new.tmp'), 'variables: {}\n');
    renameSync(join(dir, 'new.tmp'), file);
    expect(changedSince(s)).toEqual([file]);
    s = snap();
    rmSync(file);
    expect(changedSince(s)).toEqual([file]);
  });

  it("a config directory: a YAML file added or removed counts, other files do not; a module's directory and the policy file are covered", () => {
    const mod = join(dir, 'modules', 'k3s');
    mkdirSync(mod, { recursive: true });
    writeFileSync(join(dir, 'a.yaml'), 'x');
    writeFileSync(join(mod, 'main.yaml'), 'm');
    writeFileSync(join(dir, 'policy.yaml'), 'p');
    const scope = configScope(
      dir,
      [
        { path: join(dir, 'a.yaml'), text: 'x' },
        { path: join(mod, 'main.yaml'), text: 'm', module: mod },
      ],
      join(dir, 'policy.yaml'),
    );
    expect(scope.dirs).toEqual([dir, mod].sort());
    const s = takeConfigSnapshot(scope);
    writeFileSync(join(dir, 'notes.txt'), 'n');
    writeFileSync(join(dir, '.a.yaml.swp'), 's');
    expect(changedSince(s)).toEqual([]);
    writeFileSync(join(mod, 'extra.yml'), 'e');
    expect(changedSince(s)).toEqual([mod]);
    rmSync(join(mod, 'extra.yml'));
    writeFileSync(join(dir, 'policy.yaml'), 'p2');
    expect(changedSince(s)).toEqual([join(dir, 'policy.yaml')]);
  });

  it('what a snapshot taken before a load held is kept: a change made while loading is seen after it', () => {
    const file = join(dir, 'homelab.yaml');
    writeFileSync(file, 'v1');
    const scope = configScope(file, []);
    const pre = takeConfigSnapshot(scope);
    writeFileSync(file, 'v2'); // saved again while the load read v1
    expect(changedSince(takeConfigSnapshot(scope, pre))).toEqual([file]);
  });
});

describe('hl watch: watching the config for changes', () => {
  it("a Kubernetes ConfigMap update (its ..data link swapped) seen through links in another directory wakes the watcher, and counts as a change", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-cm-'));
    try {
      const cm = join(dir, 'config');
      const work = join(dir, 'work');
      mkdirSync(join(cm, '..2026_a'), { recursive: true });
      mkdirSync(work);
      writeFileSync(join(cm, '..2026_a', 'homelab.yaml'), 'v1');
      symlinkSync('..2026_a', join(cm, '..data'));
      symlinkSync('..data/homelab.yaml', join(cm, 'homelab.yaml'));
      symlinkSync(join(cm, 'homelab.yaml'), join(work, 'homelab.yaml'));
      const file = join(work, 'homelab.yaml');
      const scope = configScope(file, [{ path: file, text: 'v1' }]);
      const snapshot = takeConfigSnapshot(scope);
      let woken = 0;
      const w = watchConfigChanges(scope, () => woken++, 20);
      try {
        mkdirSync(join(cm, '..2026_b'));
        writeFileSync(join(cm, '..2026_b', 'homelab.yaml'), 'v2');
        symlinkSync('..2026_b', join(cm, '..data_tmp'));
        renameSync(join(cm, '..data_tmp'), join(cm, '..data'));
        for (let i = 0; i < 100 && woken === 0; i++) await new Promise((r) => setTimeout(r, 50));
      } finally {
        w.close();
      }
      expect(woken).toBeGreaterThan(0);
      expect(changedSince(snapshot)).toEqual([file]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
