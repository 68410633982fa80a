import { create, toBinary, ScalarType, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';

/** A small seeded PRNG (mulberry32), so a failing fuzz case can be reproduced from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, values: readonly T[]): T => values[Math.floor(rand() * values.length)]!;

/** Adversarial strings: empty, huge, injections, control characters, non-BMP, a valid UUID. */
export const STRINGS = [
  '',
  ' ',
  'x',
  'a'.repeat(100_000),
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  '{"$ne": null}',
  '"},{"admin":true}',
  '\u0000\u0001\u001f',
  '💥'.repeat(300),
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-4fff-bfff-ffffffffffff',
  'not-a-uuid',
  'SKU-0000001',
  'admin@example.com',
  '%00%27',
  'NaN',
  '-1',
];
const INT32 = [0, 1, -1, 7, 2_147_483_647, -2_147_483_648];
const UINT32 = [0, 1, 4_294_967_295];
const INT64 = [0n, 1n, -1n, 9_007_199_254_740_993n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n];
const UINT64 = [0n, 1n, 18_446_744_073_709_551_615n];
const DOUBLES = [0, -0, 1.5, -1, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, 5e-324];
const TIMESTAMP_SECONDS = [
  0n,
  -62_135_596_800n,
  253_402_300_799n,
  BigInt(Math.floor(Date.now() / 1000)),
  100_000_000_000n,
  -1n,
];

function scalar(rand: () => number, type: ScalarType): unknown {
  switch (type) {
    case ScalarType.STRING:
      return pick(rand, STRINGS);
    case ScalarType.BOOL:
      return rand() < 0.5;
    case ScalarType.BYTES:
      return pick(rand, [
        new Uint8Array(0),
        new Uint8Array(16).map(() => Math.floor(rand() * 256)),
        new Uint8Array(100_000),
      ]);
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return pick(rand, DOUBLES);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return pick(rand, INT64);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return pick(rand, UINT64);
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return pick(rand, UINT32);
    default:
      return pick(rand, INT32);
  }
}

function fieldValue(rand: () => number, field: DescField, depth: number): unknown {
  switch (field.fieldKind) {
    case 'scalar':
      return scalar(rand, field.scalar);
    case 'enum': {
      const known = field.enum.values.map((v) => v.number);
      return pick(rand, [...known, 999, -7]);
    }
    case 'message':
      return randomMessage(rand, field.message, depth + 1);
    case 'list': {
      // Long lists only of small scalars: a list of large messages would be hundreds of MB to encode.
      const long =
        field.listKind === 'scalar' && field.scalar !== ScalarType.STRING && field.scalar !== ScalarType.BYTES;
      const n = pick(rand, [0, 1, 3, long && rand() < 0.3 ? 2000 : 2]);
      return Array.from({ length: n }, () =>
        field.listKind === 'scalar'
          ? scalar(rand, field.scalar)
          : field.listKind === 'enum'
            ? pick(rand, [0, 1, 999])
            : randomMessage(rand, field.message, depth + 1),
      );
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < pick(rand, [0, 1, 3]); i++) {
        out[String(scalar(rand, field.mapKey))] =
          field.mapKind === 'scalar'
            ? scalar(rand, field.scalar)
            : field.mapKind === 'enum'
              ? 1
              : randomMessage(rand, field.message, depth + 1);
      }
      return out;
    }
  }
}

/** A random message of `desc`: each field absent, default, boundary or adversarial. */
export function randomMessage(rand: () => number, desc: DescMessage, depth = 0): Message {
  const message = create(desc) as Record<string, unknown> & Message;
  if (desc.typeName === 'google.protobuf.Timestamp') {
    return create(desc, {
      seconds: pick(rand, TIMESTAMP_SECONDS),
      nanos: pick(rand, [0, 999_999_999, 1_000_000_000, -1]),
    } as never);
  }
  if (depth > 2) return message;
  for (const field of desc.fields) {
    if (rand() < 0.3) continue; // missing field
    const value = fieldValue(rand, field, depth);
    if (field.oneof) {
      (message as Record<string, unknown>)[field.oneof.localName] = { case: field.localName, value };
    } else {
      (message as Record<string, unknown>)[field.localName] = value;
    }
  }
  return message;
}

/** Encodes `message`, then appends, for one string field, a copy whose bytes are not valid UTF-8. */
export function encodeWithInvalidUtf8(desc: DescMessage, message: Message, rand: () => number): Uint8Array {
  const bytes = toBinary(desc, message);
  const strings = desc.fields.filter((f) => f.fieldKind === 'scalar' && f.scalar === ScalarType.STRING);
  if (strings.length === 0 || rand() < 0.5) return bytes;
  const field = pick(rand, strings);
  const tag = (field.number << 3) | 2;
  const varint: number[] = [];
  for (let v = tag; ; v >>>= 7) {
    if (v < 0x80) {
      varint.push(v);
      break;
    }
    varint.push((v & 0x7f) | 0x80);
  }
  return new Uint8Array([...bytes, ...varint, 3, 0xff, 0xfe, 0xc0]);
}
