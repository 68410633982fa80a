import { createFileRegistry, fromBinary, type DescField, type DescMethod, type DescService, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { loadDescriptorSet } from '../../src/platform/grpc/descriptor-set.js';

/** The server's own descriptors (what reflection serves), as a registry for building messages dynamically. */
export const registry: FileRegistry = createFileRegistry(fromBinary(FileDescriptorSetSchema, loadDescriptorSet()));

/** Every IMSOP service (not health or reflection), in a stable order. */
export function imsopServices(): DescService[] {
  const services: DescService[] = [];
  for (const file of registry.files) for (const s of file.services) if (s.typeName.startsWith('imsop.')) services.push(s);
  return services.sort((a, b) => a.typeName.localeCompare(b.typeName));
}

export function imsopMethods(): DescMethod[] {
  return imsopServices().flatMap((s) => s.methods);
}

export const pathOf = (m: DescMethod) => `/${m.parent.typeName}/${m.name}`;

/** The leading comment of a field of a top-level message, from the descriptors' source info. */
export function fieldComment(field: DescField): string {
  const message = field.parent;
  const file = message.file;
  const messageIndex = file.proto.messageType.indexOf(message.proto);
  if (messageIndex < 0) return '';
  const fieldIndex = message.proto.field.indexOf(field.proto);
  const wanted = [4, messageIndex, 2, fieldIndex].join(',');
  const location = file.proto.sourceCodeInfo?.location.find((l) => l.path.join(',') === wanted);
  return location?.leadingComments ?? '';
}

/** Fields documented as "Output only" are ignored in requests (AIP-203). */
export const isOutputOnly = (field: DescField) => /output only/i.test(fieldComment(field));
