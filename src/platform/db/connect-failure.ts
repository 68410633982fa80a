import { SettingError } from '../setting-error.js';
import { postgresAddress, type PostgresCa } from './postgres-connection.js';

/** Network failures: PostgreSQL is not reachable at the configured address. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is PostgreSQL running there?)',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

/** TLS verification failures (Node's error codes). */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export interface ConnectAttempt {
  url: string;
  /** The setting holding the password used: DATABASE_URL for the admin, DATABASE_APP_PASSWORD for the app role. */
  credentials: 'DATABASE_URL' | 'DATABASE_APP_PASSWORD';
  ca?: PostgresCa;
}

/**
 * Turns a failed connection to PostgreSQL into one line that says what is wrong and which
 * setting to change. Errors that are not about connecting come back unchanged.
 */
export function describeConnectFailure(error: unknown, attempt: ConnectAttempt): unknown {
  if (!(error instanceof Error)) return error;
  const address = postgresAddress(attempt.url);
  const code = (error as { code?: string }).code ?? '';
  const user = decodeURIComponent(new URL(attempt.url).username) || 'the default user';
  if (UNREACHABLE[code]) {
    return new SettingError(
      `cannot connect to PostgreSQL at ${address} (DATABASE_URL): ${code}, ${UNREACHABLE[code]}`,
      'DATABASE_URL',
      { cause: error },
    );
  }
  if (/timeout/i.test(error.message) && !code) {
    return new SettingError(
      `cannot connect to PostgreSQL at ${address} (DATABASE_URL): no answer in time`,
      'DATABASE_URL',
      { cause: error },
    );
  }
  if (code === '28P01' || code === '28000') {
    return new SettingError(
      `PostgreSQL at ${address} refused user "${user}" (${attempt.credentials}): ${error.message}`,
      attempt.credentials,
      { cause: error },
    );
  }
  if (code === '3D000') {
    return new SettingError(
      `cannot connect to PostgreSQL at ${address} (DATABASE_URL): ${error.message}`,
      'DATABASE_URL',
      { cause: error },
    );
  }
  if (UNTRUSTED.has(code)) {
    const caSetting = attempt.ca?.source ?? "Node's public CA store (set DATABASE_CA_FILE or DATABASE_CA_PEM)";
    return new SettingError(
      `PostgreSQL at ${address} presented a certificate that does not verify against ${caSetting} (TLS from DATABASE_URL's sslmode): ${error.message}`,
      attempt.ca?.source ?? 'DATABASE_CA_FILE',
      { cause: error },
    );
  }
  if (/does not support SSL/i.test(error.message)) {
    return new SettingError(
      `PostgreSQL at ${address} does not offer TLS, but DATABASE_URL asks for it (sslmode, or a CA in DATABASE_CA_FILE/DATABASE_CA_PEM)`,
      'DATABASE_URL',
      { cause: error },
    );
  }
  return error;
}
