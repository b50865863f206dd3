/** A guest is its VMID: ids before and after a migration name one object (Provider.sameObject, issue 22). */
import { describe, expect, it } from 'vitest';
import { ProxmoxProvider } from '../../providers/proxmox/proxmox-provider.js';

describe('proxmox sameObject', () => {
  const p = new ProxmoxProvider();
  it('one guest on two nodes, or written as its VMID alone', () => {
    expect(p.sameObject({ type: 'proxmox_lxc', a: 'pve/100', b: 'pumped-piglet/100' })).toBe(true);
    expect(p.sameObject({ type: 'proxmox_vm', a: '107', b: 'pve/107' })).toBe(true);
  });
  it('two VMIDs are two guests; an id that is not a guest id is nothing', () => {
    expect(p.sameObject({ type: 'proxmox_lxc', a: 'pve/100', b: 'pve/101' })).toBe(false);
    expect(p.sameObject({ type: 'proxmox_lxc', a: 'pve/x', b: 'pve/x' })).toBe(false);
  });
});
