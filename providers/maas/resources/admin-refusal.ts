/**
 * MAAS answers 403 to a non-admin key on tags, domains, DNS records and reserved IPs (the
 * `admin_method` and NodePermission.admin checks of src/maasserver/api/*.py), often with an
 * empty body: this turns such a refusal into a sentence that says what is needed.
 */
import { ProviderError } from '../../../src/provider/contract.js';
import { MaasApiError } from '../client/maas-api-error.js';

export async function needsAdmin<T>(what: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof MaasApiError && err.details.status === 403) {
      throw new ProviderError(`MAAS refused to ${what} (403): this needs the API key of a MAAS admin user`, {
        status: 403,
        detail: err.details.body,
      });
    }
    throw err;
  }
}
