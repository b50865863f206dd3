/**
 * One parser for every provider's `tls_fingerprint` (providers/shared/tls-agent.ts): the
 * proxmox, maas and kuma blocks accept the same spellings — colons or spaces between bytes,
 * either case, `sha256:` / `sha-256/` prefixes and the line `openssl x509 -noout -fingerprint
 * -sha256` prints — and refuse the same non-fingerprints. (Before, kuma had its own parser: it
 * took openssl's line, which proxmox and maas refused.)
 */
import { describe, expect, it } from 'vitest';
import { normalizeFingerprint } from '../../providers/shared/tls-agent.js';
import { colonFingerprint } from '../../providers/kuma/connection/tls-options.js';
import { parseProviderConfig as parseProxmox } from '../../providers/pve/provider-settings.js';
import { parseProviderConfig as parseMaas } from '../../providers/maas/provider-config.js';
import { parseKumaProviderConfig } from '../../providers/kuma/provider-config.js';

const HEX = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const COLONS = HEX.toUpperCase().match(/../g)!.join(':');

const SPELLINGS = [HEX, HEX.toUpperCase(), COLONS, `sha256:${HEX}`, `sha-256/${HEX}`, `SHA256 Fingerprint=${COLONS}`, `sha256 fingerprint = ${COLONS}`, ` ${COLONS.replace(/:/g, ' ')} `];
const NOT_FINGERPRINTS = ['abcd', `${HEX}00`, `md5:${HEX}`, `SHA1 Fingerprint=${COLONS}`, HEX.replace('a', 'g')];

function accepts(fingerprint: string): Record<string, boolean> {
  const proxmox = parseProxmox({ endpoint: 'https://pve.lan:8006', token_id: 'hl@pve!hl', token_secret: '5e1f0c2a-7b3d-4c8e-9f60-0a1b2c3d4e5f', tls_fingerprint: fingerprint });
  const maas = parseMaas({ url: 'https://maas.lan:5443/MAAS', api_key: 'a:b:c', tls_fingerprint: fingerprint });
  let kuma = true;
  try {
    parseKumaProviderConfig({ url: 'https://kuma.lan', username: 'u', password: 'p', tls_fingerprint: fingerprint });
  } catch {
    kuma = false;
  }
  return { proxmox: !('problems' in proxmox), maas: !('problems' in maas), kuma };
}

describe('tls_fingerprint syntax', () => {
  it.each(SPELLINGS)('%j is the same fingerprint for every provider', (text) => {
    expect(normalizeFingerprint(text)).toBe(HEX);
    expect(colonFingerprint(text)).toBe(COLONS);
    expect(accepts(text)).toEqual({ proxmox: true, maas: true, kuma: true });
  });

  it.each(NOT_FINGERPRINTS)('%j is refused by every provider', (text) => {
    expect(normalizeFingerprint(text)).toBeUndefined();
    expect(colonFingerprint(text)).toBeUndefined();
    expect(accepts(text)).toEqual({ proxmox: false, maas: false, kuma: false });
  });
});
