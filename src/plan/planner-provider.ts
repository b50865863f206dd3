/** The pure parts of a configured provider that the planner may use. */
import type { Attributes } from '../core/value.js';
import type { Provider, ProviderSchema } from '../provider/contract.js';

export interface PlannerProvider {
  schema: ProviderSchema;
  /** The evaluated provider block (e.g. to know whether auth is a token). */
  providerConfig: Attributes;
  planResource?: Provider['planResource'];
  validateResource?: Provider['validateResource'];
}
