/** What a resource operation gets: the MAAS API of this provider instance, plus cancellation and progress. */
import type { MaasApi } from '../client/maas-api.js';

export interface OperationContext {
  api: MaasApi;
  signal?: AbortSignal;
  progress?: (message: string) => void;
}
