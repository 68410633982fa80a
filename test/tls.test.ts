import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthCheckResponse_ServingStatus as Serving } from '../gen/ts/grpc/health/v1/health.js';
import { expectError } from './support/expect-error.js';
import { Status } from './support/sdk.js';
import { startTestServer, type TestServer } from './support/server.js';

/** TLS mode end to end, with a certificate generated for this run (openssl). */
let dir: string;
let ts: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'imsop-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  ts = await startTestServer({
    env: { TLS_CERT_FILE: path.join(dir, 'cert.pem'), TLS_KEY_FILE: path.join(dir, 'key.pem') },
  });
});
afterAll(async () => {
  await ts?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS', () => {
  it('serves clients that trust the certificate', async () => {
    const client = ts.connect(undefined, { tls: { rootCerts: readFileSync(path.join(dir, 'cert.pem')) } });
    expect((await client.health.check({ service: '' })).status).toBe(Serving.SERVING);
  });

  it('refuses plaintext clients and clients that do not trust the certificate', async () => {
    // Plaintext, and TLS trusting only the system's roots.
    for (const tls of [false, true]) {
      const client = ts.connect(undefined, { tls, defaultDeadlineMs: 3000 });
      const err = await expectError(client.health.check({ service: '' }));
      expect([Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED]).toContain(err.code);
    }
  });
});
