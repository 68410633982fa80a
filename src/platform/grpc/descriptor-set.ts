import { readFileSync } from 'node:fs';
import { projectPath } from '../project-path.js';

let cached: Uint8Array | undefined;

/**
 * The raw FileDescriptorSet bytes of every proto the server speaks (imsop, google, grpc), as
 * written by `npm run generate` (buf build). Read once and cached: callers (reflection, tests)
 * may ask repeatedly.
 */
export function loadDescriptorSet(): Uint8Array {
  cached ??= readFileSync(projectPath('gen/descriptor.binpb'));
  return cached;
}
