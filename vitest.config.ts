import { defineConfig } from 'vitest/config';

// Two tiers with a hard line: unit tests need no infrastructure; integration tests use the real
// broker, registry and ClickHouse engine (started by `vigil stack up`, see tests/integration/setup.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // One embedded ClickHouse per process and one local broker: run files one at a time.
          fileParallelism: false,
        },
      },
      {
        // Long fault and soak runs (tests/reliability/, `npm run reliability`): real components, bounded in time.
        test: {
          name: 'reliability',
          include: ['tests/reliability/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 3_600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        // Browser tests of the web UI (Debian's Chromium via playwright-core); screenshots in tests/artifacts/.
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
