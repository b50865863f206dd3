import type { ProviderFactory } from '../../src/provider/contract.js';
import { FakeProvider } from './fake-provider.js';

export const fakeProviderFactory: ProviderFactory = { type: 'fake', create: () => new FakeProvider() };
export { FakeProvider } from './fake-provider.js';
export { FakeWorld } from './fake-world.js';
