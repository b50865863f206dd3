/** The pure parts of a configured provider that the planner may use. */
import type { Attributes } from '../core/value.js';
import type { Provider, ProviderSchema } from '../provider/contract.js';

export interface PlannerProvider {
  schema: ProviderSchema;
  /** The evaluated provider block (e.g. to know whether auth is a token). */
  providerConfig: Attributes;
  planResource?: Provider['planResource'];
  validateResource?: Provider['validateResource'];
  implicitDependencies?: Provider['implicitDependencies'];
  placementDemand?: Provider['placementDemand'];
  nodeBindings?: Provider['nodeBindings'];
}

/** The planner's view of a provider instance: its schema and its pure functions, bound. */
export function plannerOf(provider: Provider, providerConfig: Attributes): PlannerProvider {
  const planner: PlannerProvider = { schema: provider.getSchema(), providerConfig };
  if (provider.planResource) planner.planResource = provider.planResource.bind(provider);
  if (provider.validateResource) planner.validateResource = provider.validateResource.bind(provider);
  if (provider.implicitDependencies) planner.implicitDependencies = provider.implicitDependencies.bind(provider);
  if (provider.placementDemand) planner.placementDemand = provider.placementDemand.bind(provider);
  if (provider.nodeBindings) planner.nodeBindings = provider.nodeBindings.bind(provider);
  return planner;
}
