/**
 * PVE config files: `#` description lines (non-ASCII %-escaped), sorted keys, `[PENDING]` with
 * `delete:`, snapshot sections, digest = SHA-1 of the text, and the GET-config view.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  configDigest,
  effectiveConfig,
  formatConfigText,
  parseConfigText,
  parsePendingDelete,
} from '../../providers/pve/emulator/config-text.js';

const TEXT = `#Gateway%20VM f%C3%BCr das Heimnetz
#second line
boot: order=scsi0;net0
cores: 2
memory: 4096
name: OPNsense
net0: virtio=BC:24:11:5A:1E:01,bridge=vmbr0
parent: before
scsi0: local-lvm:vm-101-disk-0,iothread=1,size=32G

[PENDING]
cores: 4
delete: !onboot,name

[before]
cores: 1
memory: 4096
snaptime: 1717171717
`;

describe('PVE config text', () => {
  it('parses description, keys, pending section and snapshots', () => {
    const cfg = parseConfigText(TEXT);
    expect(cfg.main.description).toBe('Gateway VM für das Heimnetz\nsecond line');
    expect(parseConfigText(TEXT, 'lxc').main.description).toBe('Gateway VM für das Heimnetz\nsecond line\n');
    expect(cfg.main.cores).toBe('2');
    expect(cfg.pending).toEqual({ cores: '4', delete: '!onboot,name' });
    expect(cfg.snapshots.before).toEqual({ cores: '1', memory: '4096', snaptime: '1717171717' });
    expect([...parsePendingDelete(cfg.pending.delete)]).toEqual([
      ['onboot', true],
      ['name', false],
    ]);
  });

  it('writes keys sorted, the description as escaped # lines, and round-trips', () => {
    const cfg = parseConfigText(TEXT);
    const text = formatConfigText(cfg);
    expect(text.split('\n')[0]).toBe('#Gateway VM f%C3%BCr das Heimnetz');
    expect(parseConfigText(text)).toEqual(cfg);
    expect(formatConfigText(parseConfigText(text))).toBe(text);
    expect(text).toContain('\n[PENDING]\ncores: 4\ndelete: !onboot,name\n\n[before]\n');
    const ct = formatConfigText(parseConfigText(TEXT, 'lxc'), 'lxc');
    expect(ct).toContain('\n[pve:pending]\ncores: 4\n');
    expect(parseConfigText(ct, 'lxc').pending).toEqual({ cores: '4', delete: '!onboot,name' });
  });

  it('digests the raw text with SHA-1', () => {
    expect(configDigest(TEXT)).toBe(createHash('sha1').update(TEXT).digest('hex'));
    expect(configDigest(TEXT)).toMatch(/^[0-9a-f]{40}$/);
  });

  it('answers GET config with pending values applied, or the current ones', () => {
    const cfg = parseConfigText(TEXT);
    const eff = effectiveConfig(cfg, false);
    expect(eff.cores).toBe('4');
    expect(eff.name).toBeUndefined();
    expect(effectiveConfig(cfg, true)).toMatchObject({ cores: '2', name: 'OPNsense' });
  });
});
