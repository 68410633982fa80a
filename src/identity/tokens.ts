import { createHash, randomBytes } from 'node:crypto';

const ACCESS_PREFIX = 'imsop_at_';
const SECRET_BYTES = 32;

/**
 * Access tokens are opaque: `imsop_at_` + base64url(organization uuid (16 bytes) + 32 random
 * bytes). The organization part lets the server set the tenant before looking the token up
 * (row-level security needs it); the random part is the secret. Only SHA-256 hashes are stored.
 */
export function newAccessToken(organizationId: string): { token: string; hash: Buffer } {
  const body = Buffer.concat([uuidToBytes(organizationId), randomBytes(SECRET_BYTES)]);
  const token = ACCESS_PREFIX + body.toString('base64url');
  return { token, hash: hashToken(token) };
}

/** The organization a token claims, or undefined when it is not well-formed. */
export function parseAccessToken(token: string): { organizationId: string; hash: Buffer } | undefined {
  if (!token.startsWith(ACCESS_PREFIX) || token.length > 200) return undefined;
  const body = Buffer.from(token.slice(ACCESS_PREFIX.length), 'base64url');
  if (body.length !== 16 + SECRET_BYTES) return undefined;
  return { organizationId: bytesToUuid(body.subarray(0, 16)), hash: hashToken(token) };
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
