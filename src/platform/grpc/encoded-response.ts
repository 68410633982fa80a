/**
 * A response already in its wire encoding, which a unary handler may return instead of the
 * message: the server sends the bytes as they are. For answers served from a cache that holds
 * the encoding anyway (a warm GetProduct, WhoAmI), decoding it only for grpc-js to encode it
 * again is most of the call's work. The type parameter names the message the bytes encode, so a
 * handler can only hand back an encoding of its own response type.
 */
export class EncodedResponse<M> {
  declare private readonly message?: M; // type-only: ties the bytes to their message type
  constructor(readonly bytes: Buffer) {}
}

/**
 * The encoding of a message whose only field is a message at field 1 (`GetProductResponse {
 * Product product = 1; }`), from that field's own encoding: a tag, a length, the bytes. Exactly
 * what `encode` of the outer message writes.
 */
export function wrapAsField1(inner: Uint8Array): Buffer {
  const length: number[] = [];
  let n = inner.length;
  while (n > 0x7f) {
    length.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  length.push(n);
  return Buffer.concat([Buffer.from([0x0a, ...length]), inner]);
}
