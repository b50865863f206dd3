/**
 * TLS settings for one Kuma connection, never process-wide: a CA bundle from `ca_file`, or
 * a pinned SHA-256 certificate fingerprint (`tls_fingerprint`). With a pin the chain is not
 * verified against any CA (self-signed certificates are the point); instead the connection
 * is torn down right after the handshake, before the socket.io handshake and long before
 * any credential is sent, when the server's certificate has another fingerprint.
 */
import { Agent, type RequestOptions } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { normalizeFingerprint } from '../../shared/tls-agent.js';

export interface KumaTlsSettings {
  /** PEM text of the CA bundle (already read from `ca_file`). */
  ca?: string;
  /** `AA:BB:...` (32 bytes), as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint?: string;
}

/** Options merged into the socket.io-client options. */
export interface KumaTlsClientOptions {
  ca?: string;
  rejectUnauthorized?: boolean;
  agent?: Agent;
  /** Why the last TLS handshake was refused by the pin, if it was. */
  lastFailure?: () => string | undefined;
}

/**
 * A `tls_fingerprint` (any syntax the shared parser takes) as Node prints `fingerprint256`:
 * `AA:BB:CC:...`; undefined when it is not a SHA-256 fingerprint.
 */
export function colonFingerprint(text: string): string | undefined {
  const hex = normalizeFingerprint(text);
  return hex === undefined ? undefined : hex.toUpperCase().match(/../g)!.join(':');
}

/** An agent that accepts exactly the certificate with the pinned fingerprint. */
class FingerprintPinningAgent extends Agent {
  lastMismatch: string | undefined;

  constructor(private readonly pin: string) {
    super({ keepAlive: false });
  }

  override createConnection(options: RequestOptions, _callback?: (err: Error | null, stream: Duplex) => void): Duplex {
    const socket: TLSSocket = connect({ ...(options as object), rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      const presented = socket.getPeerCertificate().fingerprint256;
      if (presented !== this.pin) {
        this.lastMismatch = `the TLS certificate's fingerprint ${presented ?? '(none)'} does not match the pinned tls_fingerprint ${this.pin}`;
        socket.destroy(new Error(this.lastMismatch));
      }
    });
    return socket;
  }
}

export function tlsClientOptions(settings: KumaTlsSettings): KumaTlsClientOptions {
  if (settings.fingerprint) {
    const pin = colonFingerprint(settings.fingerprint);
    if (!pin) throw new Error(`tls_fingerprint ${settings.fingerprint} is not a SHA-256 fingerprint`);
    const agent = new FingerprintPinningAgent(pin);
    return { agent, rejectUnauthorized: false, lastFailure: () => agent.lastMismatch };
  }
  if (settings.ca) return { ca: settings.ca, rejectUnauthorized: true };
  return {};
}
