// Vitest config of the end-to-end tests (npm run e2e): the built server (ATIENDE_BIN) on a fresh
// database, driven through headless Chromium by playwright-core. See e2e/harness.ts for the needed
// environment. The unit tests (vite.config.ts, src/**/*.test.ts) never pick these files up.
import { defineConfig } from 'vitest/config';

const jsonOut = process.env.ATIENDE_E2E_JSON;

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['e2e/harness.ts'],
    // One server and one database for the run; the files share them, so one file at a time.
    fileParallelism: false,
    testTimeout: 45_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
    reporters: jsonOut ? ['default', 'json'] : ['default'],
    ...(jsonOut ? { outputFile: { json: jsonOut } } : {}),
  },
});
