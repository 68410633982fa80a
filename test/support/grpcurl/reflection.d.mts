import type { AnyDesc, DescField, FileRegistry } from '@bufbuild/protobuf';
import type { Metadata } from '@grpc/grpc-js';

/** This repository's descriptors (gen/descriptor.binpb). */
export const localRegistry: FileRegistry;
export function metadataOf(headers: readonly string[]): Metadata;
/** The services a server lists and every file they need, fetched by reflection and linked. */
export function reflect(
  address: string,
  headers?: readonly string[],
): Promise<{ services: string[]; registry: FileRegistry }>;
export function leadingComments(desc: Exclude<AnyDesc, { kind: 'file' | 'extension' | 'oneof' }>): string;
export function fieldBehaviors(registry: FileRegistry, field: DescField): string[];
/** One reflection stream; load() fetches a symbol's file and imports and relinks `registry`. */
export class Reflection {
  constructor(address: string, headers?: readonly string[]);
  registry: FileRegistry;
  services(): Promise<string[]>;
  load(symbol: string): Promise<void>;
  close(): void;
}
