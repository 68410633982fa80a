import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { caFromSettings, readCaFile, type CaCertificate } from '../ca-certificate.js';
import { SettingError } from '../setting-error.js';

/** The CA that verifies PostgreSQL's certificate, and the setting it came from (named in errors). */
export type PostgresCa = CaCertificate<'DATABASE_CA_FILE' | 'DATABASE_CA_PEM' | 'sslrootcert in DATABASE_URL'>;

/** The URL parameters that choose TLS; IMSOP reads them itself (see postgresClientConfig). */
const TLS_PARAMETERS = ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat'];

/** sslmode values that ask for TLS with a verified certificate and host name. */
const VERIFYING_MODES = new Set(['allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

/**
 * node-postgres options for a connection URL, with the TLS part decided here rather than by
 * pg's URL parser, because a URL's `sslmode` there replaces any `ssl` option given alongside
 * (so a CA from DATABASE_CA_FILE/PEM could not be added to an Aiven-style `?sslmode=require`
 * URL). The meaning stays pg 8's: `disable` is plain TCP; `require`, `verify-ca` and
 * `verify-full` (and `prefer`/`allow`) all verify the certificate chain and the host name,
 * against `ca` when given, else Node's public CA store; `no-verify` encrypts without verifying.
 * A CA given without an sslmode turns verify-full on.
 */
export function postgresClientConfig(connectionUrl: string, ca?: PostgresCa): pg.ClientConfig {
  const url = new URL(connectionUrl);
  const params = url.searchParams;
  const rootCert = params.get('sslrootcert');
  const clientCert = params.get('sslcert');
  const clientKey = params.get('sslkey');
  const effectiveCa =
    ca ?? (rootCert && rootCert !== 'system' ? readCaFile(rootCert, 'sslrootcert in DATABASE_URL') : undefined);
  const mode = sslMode(params, effectiveCa !== undefined);
  for (const name of TLS_PARAMETERS) params.delete(name);
  const connectionString = url.toString();
  if (mode === 'disable') return { connectionString, ssl: false };
  const ssl: ConnectionOptions = { rejectUnauthorized: mode !== 'no-verify' };
  if (effectiveCa) ssl.ca = effectiveCa.pem;
  if (clientCert) ssl.cert = readFileSync(clientCert, 'utf8');
  if (clientKey) ssl.key = readFileSync(clientKey, 'utf8');
  return { connectionString, ssl };
}

function sslMode(params: URLSearchParams, haveCa: boolean): 'disable' | 'verify-full' | 'no-verify' {
  const mode = params.get('sslmode');
  if (mode !== null) {
    if (mode === 'disable' || mode === 'no-verify') return mode;
    if (VERIFYING_MODES.has(mode)) return 'verify-full';
    throw new SettingError(
      `DATABASE_URL has sslmode=${mode}; use disable, require, verify-full or no-verify`,
      'DATABASE_URL',
    );
  }
  const ssl = params.get('ssl');
  if (ssl === 'no-verify') return 'no-verify';
  if (ssl === 'true' || ssl === '1') return 'verify-full';
  return haveCa ? 'verify-full' : 'disable';
}

/**
 * The CA from DATABASE_CA_PEM, DATABASE_CA_FILE or the URL's sslrootcert (in that order),
 * read and checked once at start so a wrong path or a pasted fragment is reported by name.
 */
export function configuredPostgresCa(config: {
  DATABASE_URL?: string;
  DATABASE_CA_FILE?: string;
  DATABASE_CA_PEM?: string;
}): PostgresCa | undefined {
  const fromSettings = caFromSettings(
    { name: 'DATABASE_CA_FILE', value: config.DATABASE_CA_FILE },
    { name: 'DATABASE_CA_PEM', value: config.DATABASE_CA_PEM },
  );
  if (fromSettings) return fromSettings;
  const rootCert = config.DATABASE_URL ? new URL(config.DATABASE_URL).searchParams.get('sslrootcert') : null;
  return rootCert && rootCert !== 'system' ? readCaFile(rootCert, 'sslrootcert in DATABASE_URL') : undefined;
}

/** `host:port` of a connection URL, for messages. */
export function postgresAddress(connectionUrl: string): string {
  const url = new URL(connectionUrl);
  return `${url.hostname || 'localhost'}:${url.port || '5432'}`;
}

/** Whether a connection with these options opens (server up, credentials accepted); never throws. */
export async function connects(config: pg.ClientConfig): Promise<boolean> {
  const client = new pg.Client(config);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
