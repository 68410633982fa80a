import type { Cache } from '../platform/cache/cache.js';

/** The encode/decode pair ts-proto generates for every message. */
export interface MessageCodec<M> {
  encode(message: M): { finish(): Uint8Array };
  decode(bytes: Uint8Array): M;
}

/**
 * Cache-aside for one proto message: the cached value is the message's wire encoding (base64),
 * so what comes back is exactly what was loaded, timestamps and money included, with no
 * hand-written (de)serialisation to drift. A failed load (NOT_FOUND, say) caches nothing, and
 * neither does a value `cacheIf` rejects (one no invalidation would reach).
 */
export async function readThrough<M>(
  cache: Cache,
  key: string,
  ttlSeconds: number,
  codec: MessageCodec<M>,
  load: () => Promise<M>,
  cacheIf: (value: M) => boolean = () => true,
): Promise<M> {
  const hit = await cache.get<string>(key);
  if (typeof hit === 'string') return codec.decode(Buffer.from(hit, 'base64'));
  const value = await load();
  if (cacheIf(value)) await cache.set(key, Buffer.from(codec.encode(value).finish()).toString('base64'), ttlSeconds);
  return value;
}

/**
 * `readThrough` for a caller that only sends the message on (a response): the message's wire
 * encoding, which a hit has as it is — nothing is decoded, nothing encoded again.
 */
export async function readThroughEncoded<M>(
  cache: Cache,
  key: string,
  ttlSeconds: number,
  codec: MessageCodec<M>,
  load: () => Promise<M>,
): Promise<Buffer> {
  const hit = await cache.get<string>(key);
  if (typeof hit === 'string') return Buffer.from(hit, 'base64');
  const bytes = Buffer.from(codec.encode(await load()).finish());
  await cache.set(key, bytes.toString('base64'), ttlSeconds);
  return bytes;
}
