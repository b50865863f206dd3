/**
 * A USB Coral in an LXC container (pure). The PVE API cannot do it: raw `lxc.*` keys are not
 * API parameters (only root, editing `/etc/pve/lxc/<vmid>.conf` on the host, can add them), and
 * a `devN: /dev/bus/usb/BBB/DDD` would pin the device number, which changes when the Coral
 * re-enumerates at its first inference (and on every replug). What works: allow the USB
 * character devices (major 189) and bind the host's whole `/dev/bus/usb` into the container,
 * so the Coral is found whatever its bus or device number:
 *
 *   lxc.cgroup2.devices.allow: c 189:* rwm
 *   lxc.mount.entry: /dev/bus/usb dev/bus/usb none bind,optional,create=dir
 *
 * For an unprivileged container the device nodes must also be accessible to the mapped root:
 * a udev rule on the host giving both Coral ids mode 0666.
 */

export const HOST_CONFIG_LINES: readonly string[] = [
  'lxc.cgroup2.devices.allow: c 189:* rwm',
  'lxc.mount.entry: /dev/bus/usb dev/bus/usb none bind,optional,create=dir',
];

export const UDEV_RULES: readonly string[] = [
  'SUBSYSTEMS=="usb", ATTRS{idVendor}=="1a6e", ATTRS{idProduct}=="089a", MODE="0666"',
  'SUBSYSTEMS=="usb", ATTRS{idVendor}=="18d1", ATTRS{idProduct}=="9302", MODE="0666"',
];

/** `devN` paths that pin a USB device by bus and device number. */
export function isPinnedUsbDevicePath(path: string): boolean {
  return /^\/dev\/bus\/usb\//.test(path);
}

/**
 * Whether a container's raw `lxc` entries (GET config's `lxc: [[key, value], ...]`) let it
 * reach a USB Coral on bus `busnum` (any bus when undefined): USB majors allowed and the
 * whole tree or that bus bound in.
 */
export function hostConfigPresent(raw: readonly (readonly [string, string])[], busnum?: number): boolean {
  const allowed = raw.some(
    ([k, v]) => /^lxc\.cgroup2?\.devices\.allow$/.test(k) && /^\s*(?:a\b|c\s+(?:189|\*):(?:\*|\d+)\s+r?w?m?)/.test(v),
  );
  const mounted = raw.some(([k, v]) => {
    if (k !== 'lxc.mount.entry') return false;
    const m = /^\s*\/dev\/bus\/usb(?:\/(\d{3}))?\/?\s/.exec(v);
    return !!m && (m[1] === undefined || busnum === undefined || Number(m[1]) === busnum);
  });
  return allowed && mounted;
}

/** What to do, for plan messages: the lines, where they go, and the udev rule. */
export function hostConfigAdvice(node: string, vmid: number | string): string {
  return [
    `a USB Coral cannot be passed to a container through the Proxmox API (raw lxc.* keys are not API parameters, and a devN pinned to /dev/bus/usb/BBB/DDD breaks when the Coral re-enumerates at its first inference).`,
    `Add these lines on ${node} to /etc/pve/lxc/${vmid}.conf (as root), then restart the container:`,
    ...HOST_CONFIG_LINES.map((l) => `    ${l}`),
    `For an unprivileged container also add a udev rule on ${node} (e.g. /etc/udev/rules.d/99-coral.rules, then "udevadm control --reload && udevadm trigger"):`,
    ...UDEV_RULES.map((l) => `    ${l}`),
    `hl checks for the lines on every refresh.`,
  ].join('\n');
}
