import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/postgres-server.js';
import { redisServerInstalled } from './support/redis-server.js';
import { startTestServer } from './support/server.js';
import { signedInTenant } from './support/tenant.js';
import { makeTestCertificates, type TestCertificates } from './support/test-ca.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A managed Redis speaks TLS (`rediss://`) with a certificate from the provider's own CA. A
 * private redis-server with a TLS port (and a plain one, for the test to look inside) and a CA
 * made here.
 */
describe.runIf(redisServerInstalled)('rediss:// with a private CA', () => {
  let dir: string;
  let certs: TestCertificates;
  let redis: ChildProcess;
  let tlsPort: number;
  let probe: Redis;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'imsop-redis-tls-'));
    certs = makeTestCertificates(dir);
    const plainPort = await freePort();
    tlsPort = await freePort();
    redis = spawn(
      'redis-server',
      [
        '--port',
        String(plainPort),
        '--bind',
        '127.0.0.1',
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        certs.serverCert,
        '--tls-key-file',
        certs.serverKey,
        '--tls-ca-cert-file',
        certs.ca,
        '--tls-auth-clients',
        'no',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    probe = new Redis({ port: plainPort, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    // The first attempt may come before redis-server listens; ioredis then keeps reconnecting.
    await probe.connect().catch(() => {});
    for (const deadline = Date.now() + 10_000; probe.status !== 'ready'; await sleep(50)) {
      if (Date.now() > deadline) throw new Error('redis-server with TLS did not start');
    }
  }, 60_000);
  afterAll(async () => {
    probe?.disconnect();
    redis?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  /** Starts a server on `rediss://`, signs in and polls until its cache entries show up in Redis. */
  async function cachesOverTls(env: Record<string, string>): Promise<void> {
    await probe.flushall();
    const ts = await startTestServer({ env: { REDIS_URL: `rediss://127.0.0.1:${tlsPort}`, ...env } });
    try {
      const { imsop } = await signedInTenant(ts);
      for (const deadline = Date.now() + 30_000; (await probe.keys('imsop:cache:*')).length === 0; await sleep(100)) {
        if (Date.now() > deadline) throw new Error('no cache entry reached Redis over TLS');
        await imsop.auth.whoAmI({});
      }
      expect(ts.runtime.app.cache.kind).toBe('redis');
    } finally {
      await ts.stop();
    }
  }

  it('verifies Redis against REDIS_CA_FILE, and caches there', { timeout: 120_000 }, async () => {
    await cachesOverTls({ REDIS_CA_FILE: certs.ca });
  });

  it('takes the CA as PEM text in REDIS_CA_PEM', { timeout: 120_000 }, async () => {
    await cachesOverTls({ REDIS_CA_PEM: await readFile(certs.ca, 'utf8') });
  });
});
