import {
  createFileRegistry,
  fromBinary,
  getOption,
  hasOption,
  type DescExtension,
  type FileRegistry,
} from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { AUTHENTICATED, PUBLIC, requires, type Access } from './access.js';

/** The method option every IMSOP RPC declares its access rule with (proto/imsop/api/v1/access.proto). */
const ACCESS_OPTION = 'imsop.api.v1.access';

/**
 * Infrastructure registered outside the contracts' own services: health and reflection are
 * what probes and grpcurl call before they hold any credential.
 */
const INFRASTRUCTURE: Readonly<Record<string, Access>> = {
  '/grpc.health.v1.Health/Check': PUBLIC,
  '/grpc.health.v1.Health/Watch': PUBLIC,
  '/grpc.health.v1.Health/List': PUBLIC,
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo': PUBLIC,
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo': PUBLIC,
};

/** The MethodAccess message as the descriptors carry it (read dynamically: no generated code needed). */
interface MethodAccessOption {
  rule:
    { case: 'public' | 'authenticated'; value: boolean } | { case: 'permission'; value: string } | { case: undefined };
}

/**
 * What every method requires of its caller, read from the `(imsop.api.v1.access)` option each
 * RPC declares in proto/: the contract is the one place that says it, and clients and grpcurl
 * users see it through reflection. A method without the option is absent from the table, and
 * the gRPC glue refuses what is absent (fail closed).
 * @throws Error when the descriptors lack the option's definition, or a method declares an empty rule.
 */
export function declaredAccess(descriptorSet: Uint8Array): Readonly<Record<string, Access>> {
  const registry: FileRegistry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));
  const extension = registry.getExtension(ACCESS_OPTION) as DescExtension | undefined;
  if (!extension) throw new Error(`the descriptor set does not define ${ACCESS_OPTION}`);
  const table: Record<string, Access> = { ...INFRASTRUCTURE };
  for (const file of registry.files) {
    for (const service of file.services) {
      for (const method of service.methods) {
        if (!hasOption(method, extension)) continue;
        const path = `/${service.typeName}/${method.name}`;
        const { rule } = getOption(method, extension) as unknown as MethodAccessOption;
        if (rule.case === 'permission' && rule.value) table[path] = requires(rule.value);
        else if (rule.case === 'public' && rule.value) table[path] = PUBLIC;
        else if (rule.case === 'authenticated' && rule.value) table[path] = AUTHENTICATED;
        else throw new Error(`${path} declares an empty ${ACCESS_OPTION} rule`);
      }
    }
  }
  return table;
}
