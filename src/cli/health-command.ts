import { readFile } from 'node:fs/promises';
import { createImsopClient, isImsopError, Status } from '@imsop/sdk';
import { HealthCheckResponse_ServingStatus as ServingStatus } from '../../gen/ts/grpc/health/v1/health.js';
import type { Config } from '../platform/config.js';

/** Listen addresses that mean "every interface": a client reaches them through loopback. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** Where the local server listens, as a client dials it: IMSOP_HOST (loopback for a wildcard) and IMSOP_PORT. */
export function localServerAddress(config: Pick<Config, 'IMSOP_HOST' | 'IMSOP_PORT'>): string {
  const host = WILDCARD_HOSTS.has(config.IMSOP_HOST) ? '127.0.0.1' : config.IMSOP_HOST;
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${config.IMSOP_PORT}`;
}

/**
 * `imsop health`: one grpc.health.v1.Health/Check against a running server, for container
 * HEALTHCHECKs and exec probes. With TLS configured (TLS_CERT_FILE) it dials TLS and trusts the
 * server's own certificate; the host name is not checked, since the probe dials an address
 * (loopback) the certificate need not name.
 * @returns the line to print and whether the server is SERVING (the exit code follows it).
 */
export async function healthCommand(
  config: Pick<Config, 'TLS_CERT_FILE'>,
  options: { address: string; service: string; timeoutMs: number },
): Promise<{ serving: boolean; line: string }> {
  // The probe is a client like any other: it calls through the SDK, once (no retries).
  const client = createImsopClient({
    address: options.address,
    tls: config.TLS_CERT_FILE
      ? { rootCerts: await readFile(config.TLS_CERT_FILE), checkServerIdentity: () => undefined }
      : false,
    defaultDeadlineMs: options.timeoutMs,
    maxAttempts: 1,
  });
  try {
    const { status } = await client.health.check({ service: options.service });
    return {
      serving: status === ServingStatus.SERVING,
      line: `${options.address}: ${ServingStatus[status] ?? status}`,
    };
  } catch (error) {
    if (isImsopError(error) && error.code === Status.NOT_FOUND)
      return { serving: false, line: `${options.address}: no service named "${options.service}"` };
    return { serving: false, line: `${options.address}: unreachable (${(error as Error).message})` };
  } finally {
    client.close();
  }
}
