// The SDK as tests use it: the workspace package @imsop/sdk (run from its sources, see
// vitest.config.ts), imported through this one file.
export * from '@imsop/sdk';
