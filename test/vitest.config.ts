import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    // A throwaway PostgreSQL cluster (or HL_TEST_PG_URL's server) for test/support/pg.ts.
    globalSetup: ['test/support/pg-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default (one fewer than the cores) runs one file at a time on CI's 2 cores,
    // while most files wait on child processes and servers: two at a time takes the suite
    // from about 8.5 to 5.5 minutes there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
