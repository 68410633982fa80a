import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * SSRF guard of webhook targets: a subscription must not make the service POST into its own
 * network (databases, cloud metadata at 169.254.169.254, admin ports on loopback). A URL is
 * checked when it is written (its form, and its host when that is an address literal) and the
 * address actually connected to is checked at every delivery, after DNS resolution, inside the
 * connection's own lookup (guardedLookup): a name that resolves to a public address when the
 * subscription is written and to a private one later (DNS rebinding) is still refused.
 */

/** Address ranges (ipaddr.js names) no receiver may have, whatever the operator allows. */
const ALWAYS_FORBIDDEN = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal', 'reserved']);
/** Ranges allowed only with WEBHOOKS_ALLOW_PRIVATE_TARGETS (a receiver inside the operator's network). */
const PRIVATE = new Set(['loopback', 'private', 'uniqueLocal', 'carrierGradeNat']);

/**
 * Why a receiver may not have this address, or undefined when it may. IPv4-mapped IPv6
 * addresses (::ffff:10.0.0.1) are judged as the IPv4 address they carry; of IPv6 only global
 * unicast passes (6to4, Teredo and NAT64 prefixes could tunnel to a private IPv4 address).
 */
export function forbiddenAddress(address: string, allowPrivate: boolean): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const range = ipaddr.process(address).range();
  if (range === 'unicast') return undefined;
  if (PRIVATE.has(range) && allowPrivate) return undefined;
  if (PRIVATE.has(range) || ALWAYS_FORBIDDEN.has(range))
    return `${address} is a ${range} address, which webhooks may not target`;
  return `${address} is in the special-purpose range ${range}, which webhooks may not target`;
}

/**
 * Why `text` cannot be a webhook URL, or undefined when it can: http or https only, no user
 * info, a host, and a host that is an address literal must be allowed (forbiddenAddress); so
 * must `localhost` names, which always resolve to loopback.
 */
export function forbiddenUrl(text: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (!url.hostname) return 'must name a host';
  // Brackets of an IPv6 literal and the root's trailing dot ("localhost.") say nothing of the target.
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (isIP(host)) {
    const why = forbiddenAddress(host, allowPrivate);
    return why ? `names a forbidden address: ${why}` : undefined;
  }
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost')))
    return 'names localhost, which webhooks may not target';
  return undefined;
}

/** Thrown (as the connection's error) when a target resolves to a forbidden address. */
export class ForbiddenTargetError extends Error {
  readonly code = 'WEBHOOK_TARGET_FORBIDDEN';
}

/**
 * A `lookup` for http(s).request that resolves the host and refuses the connection unless every
 * address it resolves to is allowed (a name with one private address among public ones is
 * refused: the connection could land on either). The connection goes to an address this check
 * saw, so nothing can change between the check and the connect.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const forbidden = addresses.map((a) => forbiddenAddress(a.address, allowPrivate)).find((why) => why);
      if (forbidden || addresses.length === 0)
        return callback(new ForbiddenTargetError(forbidden ?? `${hostname} resolves to no address`), '', 0);
      if (options.all) return callback(null, addresses as unknown as string, 0);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
