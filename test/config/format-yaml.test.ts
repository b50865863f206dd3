/** `hl fmt`'s layout (src/yaml/format-yaml.ts): comments kept, meta-arguments first, quoting, idempotent, meaning kept on every example and fixture. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatYaml } from '../../src/yaml/format-yaml.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const full = join(dir, n);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(n) ? [full] : [];
  });
}

const fmt = (text: string): string => {
  const r = formatYaml(text);
  if ('problems' in r) throw new Error(JSON.stringify(r.problems));
  return r.text;
};

describe('hl fmt layout', () => {
  const files = [...yamlFiles('examples'), ...yamlFiles('test/fixtures')].filter((f) => {
    try {
      parse(readFileSync(f, 'utf8'));
      return true;
    } catch {
      return false; // the invalid-config corpus: fmt refuses those (tested below)
    }
  });

  it('is idempotent and never changes meaning, on every example and fixture', () => {
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const once = fmt(text);
      expect(fmt(once), f).toBe(once);
      expect(parse(once), f).toEqual(parse(text));
    }
  });

  it('keeps comments, puts the meta-arguments first and lifecycle last, and quotes consistently', () => {
    const text = [
      '# the homelab',
      'resources:',
      '    # the web VM',
      '    proxmox_vm.web:',
      "        name: 'web'   # its name",
      '        lifecycle: { prevent_destroy: true }',
      '        memory: 2048',
      '        depends_on: [proxmox_vm.db]',
      "        hostname: '${var.prefix}-web'",
      '        count: 2',
      '        note: "plain text"',
      '        version: "3.7"',
      '        flag: "true"',
      '        provider: proxmox.other',
      '        cloud_init: |',
      '            #cloud-config',
      '            hostname: ${var.prefix}',
      'outputs:',
      '    zeta: { value: 1 }',
      '    alpha: { value: 2 }',
      '',
    ].join('\n');
    expect(fmt(text)).toBe(
      [
        '# the homelab',
        'resources:',
        '  # the web VM',
        '  proxmox_vm.web:',
        '    provider: proxmox.other',
        '    count: 2',
        '    depends_on: [ proxmox_vm.db ]',
        '    name: web # its name',
        '    memory: 2048',
        '    hostname: "${var.prefix}-web"',
        '    note: plain text',
        '    version: "3.7"',
        '    flag: "true"',
        '    cloud_init: |',
        '      #cloud-config',
        '      hostname: ${var.prefix}',
        '    lifecycle: { prevent_destroy: true }',
        // outputs keep the user's order: nothing is sorted
        'outputs:',
        '  zeta: { value: 1 }',
        '  alpha: { value: 2 }',
        '',
      ].join('\n'),
    );
    expect(parse(fmt(text))).toEqual(parse(text));
  });

  it('refuses a file YAML cannot read, at its line', () => {
    const r = formatYaml('resources:\n  a: [1, 2\n');
    expect('problems' in r && r.problems[0]!.line).toBeGreaterThan(0);
  });
});
