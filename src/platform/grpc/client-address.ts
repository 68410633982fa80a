import { BlockList, isIP } from 'node:net';
import type { Metadata } from '@grpc/grpc-js';
import { LRUCache } from 'lru-cache';

/**
 * The caller's IP address, as everything that keys on "who is calling from where" sees it (sign-in
 * throttling, fair password hashing, per-address stream limits).
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

/** One `TRUSTED_PROXIES` entry: an address or a CIDR range. */
export interface AddressRange {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a single address (a /32 or /128); undefined when malformed. */
export function parseAddressRange(text: string): AddressRange | undefined {
  const [network = '', prefixText, ...rest] = text.trim().split('/');
  const version = isIP(network);
  if (version === 0 || rest.length > 0) return undefined;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  return prefix <= max ? { network, prefix, family: version === 4 ? 'ipv4' : 'ipv6' } : undefined;
}

/**
 * Works out the client's address behind reverse proxies and load balancers.
 *
 * Only a direct peer inside one of the trusted ranges may speak for someone else: its
 * `x-forwarded-for` is read from the right (each proxy appends the address it received the
 * call from) and the first address that is not itself a trusted proxy is the client. Anything
 * left of that was written by the client and is ignored. From any other peer the header is
 * ignored, so a client cannot pick its own address by sending it.
 */
export class ClientAddressResolver {
  readonly #trusted = new BlockList();
  readonly #any: boolean;
  /** Peers' addresses as parsed: a connection's calls share its peer, so each call need not parse it again. */
  readonly #peers = new LRUCache<string, { address: string | undefined }>({ max: 10_000 });

  constructor(trustedProxies: readonly AddressRange[] = []) {
    for (const r of trustedProxies) this.#trusted.addSubnet(r.network, r.prefix, r.family);
    this.#any = trustedProxies.length > 0;
  }

  resolve(peer: string, metadata: Metadata): string | undefined {
    let parsed = this.#peers.get(peer);
    if (!parsed) this.#peers.set(peer, (parsed = { address: sourceAddress(peer) }));
    const direct = parsed.address;
    if (!this.#any || !direct || !this.#isTrusted(direct)) return direct;
    const hops = metadata
      .get('x-forwarded-for')
      .flatMap((v) => String(v).split(','))
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    let client = direct;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = forwardedAddress(hops[i]!);
      // A malformed entry written by a trusted hop: the client is unknown beyond the last hop
      // we could read, so keep that one (never an address the client may have chosen).
      if (!hop) break;
      client = hop;
      if (!this.#isTrusted(hop)) break;
    }
    return client;
  }

  #isTrusted(address: string): boolean {
    return this.#trusted.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
  }
}

/** An `x-forwarded-for` entry as an address: `1.2.3.4`, `1.2.3.4:80`, `2001:db8::1`, `[2001:db8::1]:80`. */
function forwardedAddress(entry: string): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  const withoutPort = bracketed
    ? bracketed[1]!
    : /^[\d.]+:\d+$/.test(entry)
      ? entry.slice(0, entry.lastIndexOf(':'))
      : entry;
  if (isIP(withoutPort) === 0) return undefined;
  return withoutPort.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}
