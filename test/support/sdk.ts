// The one module through which tests reach the SDK: the workspace package @imsop/sdk (run from
// its sources, see vitest.config.ts and tsconfig.json's paths).
export * from '@imsop/sdk';
