import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Integration tests: real gRPC clients against a real server and a real PostgreSQL (provided once
// per run by the global setup). Every run also leaves a machine-readable report in
// .vitest/report.json, which `node scripts/test-summary.mjs` condenses to one line.
export default defineConfig({
  // Tests run the workspace SDK from its sources, as edited (as tsconfig.json's paths type-check it).
  resolve: { alias: { '@imsop/sdk': fileURLToPath(new URL('./packages/sdk/src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
