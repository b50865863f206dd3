/**
 * MAAS API keys: `consumer_key:token_key:token_secret`, as `maas apikey` prints them. The
 * consumer secret is always empty in MAAS. Messages never echo the key.
 */

export interface MaasCredentials {
  consumerKey: string;
  tokenKey: string;
  tokenSecret: string;
}

/** Parses an API key; answers a message (without the key) when it is malformed. */
export function parseApiKey(apiKey: string): MaasCredentials | { problem: string } {
  const parts = apiKey.trim().split(':');
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    return {
      problem: `api_key must have the form consumer_key:token_key:token_secret (three non-empty parts separated by ':'), got ${parts.length} part(s)`,
    };
  }
  return { consumerKey: parts[0]!, tokenKey: parts[1]!, tokenSecret: parts[2]! };
}

export function isCredentials(v: MaasCredentials | { problem: string }): v is MaasCredentials {
  return (v as MaasCredentials).consumerKey !== undefined;
}
