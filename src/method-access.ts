import { declaredAccess } from './platform/auth/declared-access.js';
import type { Access } from './platform/auth/access.js';
import { loadDescriptorSet } from './platform/grpc/descriptor-set.js';

/**
 * What every RPC requires of its caller, as the contracts declare it (the `(imsop.api.v1.access)`
 * option on each method in proto/). The gRPC glue refuses a method missing here (fail closed),
 * and a test walks every method in the descriptors and fails when one declares nothing. Health
 * and reflection are public, as is Login; nothing else is.
 */
export const METHOD_ACCESS: Readonly<Record<string, Access>> = declaredAccess(loadDescriptorSet());

export const accessOf = (path: string): Access | undefined => METHOD_ACCESS[path];
