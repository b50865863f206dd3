/**
 * The configuration keys of an LXC container (pve-container's config schema), as the emulator
 * accepts and types them. The conformance test compares them with the real API schema.
 */
import {
  LXC_DEV_FORMAT,
  LXC_FEATURES_FORMAT,
  LXC_MP_FORMAT,
  LXC_NET_FORMAT,
  LXC_ROOTFS_FORMAT,
  LXC_UNUSED_FORMAT,
  STARTUP_FORMAT,
} from '../property-string.js';
import { bool, indexed, int, num, opt, str, type ParamSchema } from './param-schema.js';

const o = opt;

/** Every settable key of a container config (create / PUT config). */
export const LXC_CONFIG_OPTIONS: ParamSchema = {
  arch: o(str({ enum: ['amd64', 'i386', 'arm64', 'armhf', 'riscv32', 'riscv64'] })),
  cmode: o(str({ enum: ['shell', 'console', 'tty'] })),
  console: o(bool()),
  cores: o(int({ minimum: 1, maximum: 8192 })),
  cpulimit: o(num({ minimum: 0, maximum: 8192 })),
  cpuunits: o(int({ minimum: 0, maximum: 500000 })),
  debug: o(bool()),
  description: o(str({ maxLength: 8192 })),
  'dev[n]': indexed(256, str({ propertyFormat: LXC_DEV_FORMAT })),
  entrypoint: o(str()),
  env: o(str()),
  features: o(str({ propertyFormat: LXC_FEATURES_FORMAT })),
  hookscript: o(str({ format: 'pve-volume-id' })),
  hostname: o(str({ format: 'dns-name', maxLength: 255 })),
  lock: o(
    str({
      enum: ['backup', 'create', 'destroyed', 'disk', 'fstrim', 'migrate', 'mounted', 'rollback', 'snapshot', 'snapshot-delete'],
    }),
  ),
  memory: o(int({ minimum: 16 })),
  'mp[n]': indexed(256, str({ propertyFormat: LXC_MP_FORMAT })),
  nameserver: o(str({ format: 'lxc-ip-with-ll-iface-list' })),
  'net[n]': indexed(32, str({ propertyFormat: LXC_NET_FORMAT })),
  onboot: o(bool()),
  ostype: o(
    str({
      enum: ['debian', 'devuan', 'ubuntu', 'centos', 'fedora', 'opensuse', 'archlinux', 'alpine', 'gentoo', 'nixos', 'unmanaged'],
    }),
  ),
  protection: o(bool()),
  rootfs: o(str({ propertyFormat: LXC_ROOTFS_FORMAT })),
  searchdomain: o(str({ format: 'dns-name-list' })),
  startup: o(str({ propertyFormat: STARTUP_FORMAT })),
  swap: o(int({ minimum: 0 })),
  tags: o(str({ format: 'pve-tag-list' })),
  template: o(bool()),
  timezone: o(str()),
  tty: o(int({ minimum: 0, maximum: 6 })),
  unprivileged: o(bool()),
  'unused[n]': indexed(256, str({ propertyFormat: LXC_UNUSED_FORMAT })),
};

/** Keys PVE writes itself and returns in GET config. */
export const LXC_READONLY_KEYS: ParamSchema = {
  digest: o(str()),
  parent: o(str()),
  snaptime: o(int()),
};

/** Volume keys of a container. */
export function isLxcVolumeKey(key: string): boolean {
  return key === 'rootfs' || /^mp\d+$/.test(key);
}
