/**
 * ARCHITECTURE.md is the map: every source file is covered by a row of its floor table, every
 * import is one its row allows, pure floors use no I/O module, and no two floors import each
 * other. The checker is also shown a made-up tree that breaks each rule, so this test can fail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkImports, parseFloorTable, type SourceFile } from './import-rules.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const full = join(entry.parentPath, entry.name);
    out.push({ path: relative(root, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
  }
  return out;
}

const rules = parseFloorTable(readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8'));

describe('the floors of ARCHITECTURE.md', () => {
  it('has a row for every floor, each naming what it may import', () => {
    expect(rules.length).toBeGreaterThan(20);
    expect(rules.find((r) => r.floor === 'src/core')).toEqual({ floor: 'src/core', pure: true, mayImport: [] });
    expect(rules.find((r) => r.floor === 'src/cli')?.mayImport).toContain('src/engine');
  });

  it('holds for every import of src/ and providers/', () => {
    const violations = checkImports([...sources('src'), ...sources('providers')], rules);
    expect(violations.map((v) => `${v.file}: ${v.message}`)).toEqual([]);
  });

  it('reports an import against a row, a file outside the map, I/O in a pure floor and a cycle', () => {
    const made: SourceFile[] = [
      { path: 'src/core/value.ts', text: "import { planResource } from '../plan/planner.js';" },
      { path: 'src/plan/planner.ts', text: "import type { X } from '../core/value.js';\nexport const p = await import('../../providers/proxmox/index.js');" },
      { path: 'src/lang/functions/file.ts', text: "import { readFileSync } from 'node:fs';\nimport { join } from 'node:path';" },
      { path: 'src/nowhere/thing.ts', text: '' },
    ];
    const messages = checkImports(made, rules).map((v) => `${v.file}: ${v.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'src/core/value.ts: src/core may not import src/plan (../plan/planner.js)',
        'src/plan/planner.ts: src/plan may not import providers/proxmox (../../providers/proxmox/index.js)',
        'src/lang/functions/file.ts: pure floor src/lang imports node:fs',
        'src/nowhere/thing.ts: no row of ARCHITECTURE.md covers this file',
        'src/core: floors import each other: src/core -> src/plan -> src/core',
      ]),
    );
    expect(messages).toHaveLength(5);
  });
});
