import {
  createFileRegistry,
  fromBinary,
  getOption,
  hasOption,
  type DescField,
  type DescMethod,
  type DescService,
  type FileRegistry,
} from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { loadDescriptorSet } from '../../src/platform/grpc/descriptor-set.js';

/** The server's own descriptors (what reflection serves), as a registry for building messages dynamically. */
export const registry: FileRegistry = createFileRegistry(fromBinary(FileDescriptorSetSchema, loadDescriptorSet()));

/** Every IMSOP service (not health or reflection), in a stable order. */
export function imsopServices(): DescService[] {
  const services: DescService[] = [];
  for (const file of registry.files)
    for (const s of file.services) if (s.typeName.startsWith('imsop.')) services.push(s);
  return services.sort((a, b) => a.typeName.localeCompare(b.typeName));
}

export function imsopMethods(): DescMethod[] {
  return imsopServices().flatMap((s) => s.methods);
}

export const pathOf = (m: DescMethod) => `/${m.parent.typeName}/${m.name}`;

/** The `(google.api.field_behavior)` annotations of a field (AIP-203). */
export function fieldBehaviors(field: DescField): string[] {
  const extension = registry.getExtension('google.api.field_behavior');
  if (!extension || !hasOption(field, extension)) return [];
  const values = getOption(field, extension) as unknown as number[];
  const names = registry.getEnum('google.api.FieldBehavior')!;
  return values.map((v) => names.value[v]?.name ?? String(v));
}

/** Output-only fields are ignored in requests (AIP-203). */
export const isOutputOnly = (field: DescField) => fieldBehaviors(field).includes('OUTPUT_ONLY');

/** The field that names its resource: unused on create, what an update or get addresses (AIP-203). */
export const isIdentifier = (field: DescField) => fieldBehaviors(field).includes('IDENTIFIER');
