/**
 * The caller's IP address, as everything that keys on "who is calling from where" sees it (sign-in
 * throttling, per-address stream limits).
 *
 * The IP part of a grpc-js peer: `1.2.3.4:5678`, `::1:5678`, `::ffff:1.2.3.4:5678` (what
 * grpc-js reports: address and port), also `ipv4:`/`ipv6:`-prefixed or bracketed forms.
 * Undefined when it is not recognisable (then only per-account or per-principal limits apply).
 */
export function sourceAddress(peer: string): string | undefined {
  const bare = peer.replace(/^ipv[46]:/, '');
  const m = /^\[?([0-9a-fA-F:.]+?)\]?:\d+$/.exec(bare);
  const address = m?.[1].replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  return address && /^[0-9a-fA-F:.]{2,45}$/.test(address) ? address.toLowerCase() : undefined;
}
