/**
 * What the provider needs to know about the MAAS release it talks to, learnt from
 * `GET version/` (`{"version": "3.5.4", "subversion": "...", "capabilities": [...]}`), and the
 * facts that depend on it. Pure.
 */

export interface MaasRelease {
  major: number;
  minor: number;
  patch: number;
}

/** `3.5.4`, `3.6.0~rc1`, `3.7.0-16349-g.0fd7e3a5e`: the numbers in front; undefined when none. */
export function parseMaasRelease(version: string | undefined): MaasRelease | undefined {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?/.exec(version ?? '');
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

function atLeast(r: MaasRelease, major: number, minor: number, patch: number): boolean {
  if (r.major !== major) return r.major > major;
  if (r.minor !== minor) return r.minor > minor;
  return r.patch >= patch;
}

/**
 * Whether deleting a DNS resource frees its USER_RESERVED addresses: from 3.6.1
 * (src/maasserver/models/dnsresource.py, DNSResource.delete). Unknown release: false, so the
 * caller checks for itself.
 */
export function dnsDeleteFreesAddresses(release: MaasRelease | undefined): boolean {
  return release !== undefined && atLeast(release, 3, 6, 1);
}
