/**
 * One transport rule for every provider that sends credentials over the network (proxmox,
 * and crucible and coral through the same PVE connection; maas; kuma), pure:
 *
 * - https is the default; `insecure: true` (no certificate verification) is accepted as an
 *   explicit choice and warned about;
 * - plain http is accepted to a loopback host (an emulator, a tunnel) silently, and to any
 *   other host only with `allow_http: true` in that provider's block, warned about;
 *   otherwise it is refused, naming the attribute, so the credentials never leave in clear.
 */

export interface TransportRequest {
  /** The provider type, for messages (`kuma`). */
  provider: string;
  /** The attribute holding the URL (`url`, `endpoint`). */
  attribute: string;
  url: URL;
  /** `allow_http: true`. */
  allowHttp: boolean;
  /** `insecure: true`. */
  insecure: boolean;
  /** What would cross the network in clear text ("the API credentials"). */
  credentials: string;
}

export interface TransportVerdict {
  problems: { attribute: string; message: string }[];
  warnings: string[];
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export function checkTransport(req: TransportRequest): TransportVerdict {
  const verdict: TransportVerdict = { problems: [], warnings: [] };
  const host = req.url.hostname;
  if (req.url.protocol === 'http:' && !isLoopbackHost(host)) {
    if (req.allowHttp) {
      verdict.warnings.push(
        `${req.attribute} uses plain http to ${host} (allow_http: true): ${req.credentials} will cross the network unencrypted`,
      );
    } else {
      verdict.problems.push({
        attribute: req.attribute,
        message:
          `${req.attribute} uses plain http to ${host}: ${req.credentials} would cross the network unencrypted. ` +
          `Use https, or set allow_http: true in the ${req.provider} provider block to accept it (http is accepted to loopback hosts only)`,
      });
    }
  }
  if (req.url.protocol === 'https:' && req.insecure) {
    verdict.warnings.push(`insecure: true: the certificate of ${host} is not verified, so anyone on the path can read ${req.credentials}`);
  }
  return verdict;
}
