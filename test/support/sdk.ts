// The one module through which tests reach the SDK: when the SDK moves (a workspace package),
// only this import changes.
export * from '../../src/sdk/index.js';
// Per-call metadata for SDK calls (`{ metadata: Metadata({ traceparent }) }`), as the SDK's users import it.
export { Metadata } from 'nice-grpc';
