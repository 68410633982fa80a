import { createHash, randomBytes } from 'node:crypto';

/** The two kinds of bearer secret the service issues, told apart by their prefix. */
export type SecretKind = 'access_token' | 'api_key';

const PREFIX: Record<SecretKind, string> = { access_token: 'imsop_at_', api_key: 'imsop_ak_' };
const SECRET_BYTES = 32;

/**
 * Bearer secrets are opaque: a prefix (`imsop_at_` for access tokens, `imsop_ak_` for API keys)
 * + base64url(organization uuid (16 bytes) + 32 random bytes). The organization part lets the
 * server set the tenant before looking the secret up (row-level security needs it); the random
 * part is the secret. Only SHA-256 hashes are stored.
 */
export function newSecret(kind: SecretKind, organizationId: string): { token: string; hash: Buffer } {
  const body = Buffer.concat([uuidToBytes(organizationId), randomBytes(SECRET_BYTES)]);
  const token = PREFIX[kind] + body.toString('base64url');
  return { token, hash: hashToken(token) };
}

/** A new access token (Login, RefreshToken). */
export const newAccessToken = (organizationId: string) => newSecret('access_token', organizationId);

/** The kind and organization a secret claims, or undefined when it is not well-formed. */
export function parseSecret(token: string): { kind: SecretKind; organizationId: string; hash: Buffer } | undefined {
  if (token.length > 200) return undefined;
  const kind = (Object.keys(PREFIX) as SecretKind[]).find((k) => token.startsWith(PREFIX[k]));
  if (!kind) return undefined;
  const body = Buffer.from(token.slice(PREFIX[kind].length), 'base64url');
  if (body.length !== 16 + SECRET_BYTES) return undefined;
  return { kind, organizationId: bytesToUuid(body.subarray(0, 16)), hash: hashToken(token) };
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
