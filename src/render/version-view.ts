/** `hl version` (and `-version`, `--version`): hl's version, Node's, and the releases each emulator plays. */
import type { TextOutput } from './text-output.js';

export interface VersionInfo {
  hl: string;
  /** `v20.18.1`, as process.version says. */
  node: string;
  /** `linux_amd64`-style: Node's platform and architecture. */
  platform: string;
  /** Per emulated provider, the releases it plays (the engine's EmulatorProfiles). */
  emulators: readonly { provider: string; product: string; versions: readonly string[]; default: string }[];
}

/**
 * The first line is `hl 0.1.0` (scripts read it); then Node and the emulator profiles. With
 * -json one object: `hl_version`, `node_version`, `platform`, `emulators` (by provider).
 */
export function printVersion(term: TextOutput, v: VersionInfo, opts: { json: boolean }): void {
  if (opts.json) {
    const emulators = Object.fromEntries(
      v.emulators.map((e) => [e.provider, { product: e.product, versions: e.versions, default: e.default }]),
    );
    term.out(`${JSON.stringify({ hl_version: v.hl, node_version: v.node, platform: v.platform, emulators }, null, 2)}\n`);
    return;
  }
  const lines = [`hl ${v.hl}`, `on Node.js ${v.node} (${v.platform})`];
  if (v.emulators.length > 0) {
    lines.push('', 'Emulator profiles (the releases an emulated provider block can play):');
    const width = Math.max(...v.emulators.map((e) => e.provider.length));
    for (const e of v.emulators) lines.push(`  ${e.provider.padEnd(width)}  ${e.product} ${e.versions.join(', ')} (default ${e.default})`);
  }
  term.out(`${lines.join('\n')}\n`);
}
