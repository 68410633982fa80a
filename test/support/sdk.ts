// The one module through which tests reach the SDK: when the SDK moves (a workspace package),
// only this import changes.
export * from '../../src/sdk/index.js';
