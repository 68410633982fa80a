import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { credentials, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthCheckResponse_ServingStatus as Serving, HealthClient } from '../gen/ts/grpc/health/v1/health.js';
import { expectError, unary } from './support/grpc.js';
import { startTestServer, type TestServer } from './support/server.js';

/** TLS mode end to end, with a certificate generated for this run (openssl). */
let dir: string;
let ts: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'imsop-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  ts = await startTestServer({ env: { TLS_CERT_FILE: path.join(dir, 'cert.pem'), TLS_KEY_FILE: path.join(dir, 'key.pem') } });
});
afterAll(async () => {
  await ts?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS', () => {
  it('serves clients that trust the certificate', async () => {
    const client = new HealthClient(ts.address, credentials.createSsl(readFileSync(path.join(dir, 'cert.pem'))));
    try {
      expect((await unary(client.check.bind(client), { service: '' })).status).toBe(Serving.SERVING);
    } finally {
      client.close();
    }
  });

  it('refuses plaintext clients and clients that do not trust the certificate', async () => {
    for (const creds of [credentials.createInsecure(), credentials.createSsl()]) {
      const client = new HealthClient(ts.address, creds);
      try {
        const err = await expectError(unary(client.check.bind(client), { service: '' }, undefined, { deadline: Date.now() + 3000 }));
        expect([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]).toContain(err.code);
      } finally {
        client.close();
      }
    }
  });
});
