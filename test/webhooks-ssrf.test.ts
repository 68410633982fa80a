import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { sendWebhook } from '../src/webhooks/http-sender.js';
import { forbiddenAddress, guardedLookup } from '../src/webhooks/target-guard.js';
import { expectError } from './support/expect-error.js';
import { tenantTest as it } from './support/tenant-fixture.js';

/**
 * The SSRF guard of webhook targets, with the operator setting WEBHOOKS_ALLOW_PRIVATE_TARGETS
 * off (the default): refused when a subscription is written, and refused again at delivery, after
 * DNS resolution, for a name that resolves to a forbidden address. The sender does not follow
 * redirects and reads no more than a small excerpt of an answer.
 */
const REFUSED = [
  'http://127.0.0.1:8080/hooks',
  'http://127.1/hooks',
  'http://10.1.2.3/hooks',
  'http://172.16.0.1/hooks',
  'http://192.168.1.10/hooks',
  'http://169.254.169.254/latest/meta-data',
  'http://0.0.0.0/hooks',
  'http://224.0.0.1/hooks',
  'http://100.64.0.1/hooks',
  'http://[::1]/hooks',
  'http://[::]/hooks',
  'http://[fe80::1]/hooks',
  'http://[fd00::1]/hooks',
  'http://[ff02::1]/hooks',
  'http://[::ffff:127.0.0.1]/hooks',
  'http://[::ffff:a01:203]/hooks',
  'http://localhost:3000/hooks',
  'http://api.localhost/hooks',
  'http://LOCALHOST./hooks',
  'https://user:secret@hooks.example.com/x',
  'ftp://hooks.example.com/x',
  'file:///etc/passwd',
  'not a url',
];

describe('webhook targets (SSRF)', () => {
  it('refuses private, loopback, link-local, unique-local, multicast and unspecified targets on create', async ({
    imsop,
  }) => {
    for (const url of REFUSED) {
      const error = await expectError(imsop.webhooks.createWebhookSubscription({ subscription: { url } }));
      expect([url, error.codeName, error.fieldViolations.map((v) => v.field)]).toEqual([
        url,
        'INVALID_ARGUMENT',
        ['subscription.url'],
      ]);
    }
  });

  it('accepts a public target, and refuses a private one on update', async ({ imsop }) => {
    const { subscription, secret } = await imsop.webhooks.createWebhookSubscription({
      subscription: { url: 'https://hooks.example.com/imsop' },
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const error = await expectError(
      imsop.webhooks.updateWebhookSubscription({
        subscription: { id: subscription!.id, url: 'http://[::ffff:192.168.0.1]/' },
        updateMask: ['url'],
      }),
    );
    expect(error.fieldViolations.map((v) => v.field)).toEqual(['subscription.url']);
  });

  it('judges IPv4-mapped IPv6 addresses as the IPv4 address they carry', () => {
    expect(forbiddenAddress('::ffff:127.0.0.1', false)).toContain('loopback');
    expect(forbiddenAddress('::ffff:10.0.0.1', false)).toContain('private');
    expect(forbiddenAddress('8.8.8.8', false)).toBeUndefined();
    expect(forbiddenAddress('2606:4700:4700::1111', false)).toBeUndefined();
    // The operator setting opens private ranges, never link-local (cloud metadata) or multicast.
    expect(forbiddenAddress('127.0.0.1', true)).toBeUndefined();
    expect(forbiddenAddress('169.254.169.254', true)).toContain('linkLocal');
    expect(forbiddenAddress('::', true)).toContain('unspecified');
  });
});

describe('delivery-time checks and the sender', () => {
  let receiver: Server;
  let port = 0;
  const hits: string[] = [];
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') return res.writeHead(302, { location: '/landed' }).end();
      if (req.url === '/endless') {
        res.writeHead(200);
        const chunk = Buffer.alloc(16 * 1024, 'x');
        const pump = () => {
          while (res.write(chunk));
        };
        res.on('drain', pump);
        return pump();
      }
      if (req.url === '/slow') return; // never answers
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const post = (path: string, allowPrivateTargets: boolean, host = '127.0.0.1', timeoutMs = 2000) =>
    sendWebhook(
      { url: `http://${host}:${port}${path}`, body: '{}', headers: { 'webhook-id': 'x' } },
      { timeoutMs, allowPrivateTargets },
    );

  it('refuses a name that resolves to a forbidden address when it connects', async () => {
    const refused = await new Promise<Error | null>((resolve) =>
      guardedLookup(false)('localhost', {}, (error) => resolve(error)),
    );
    expect(refused?.message).toContain('loopback');
    const before = hits.length;
    const result = await post('/ok', false);
    expect(result).toMatchObject({ ok: false, responseCode: 0 });
    expect(result.error).toContain('target refused');
    expect(hits.length).toBe(before); // nothing reached the receiver
    expect(await post('/ok', true, 'localhost')).toMatchObject({ ok: true, responseCode: 204 });
  });

  it('does not follow redirects', async () => {
    const result = await post('/redirect', true);
    expect(result).toMatchObject({ ok: false, responseCode: 302 });
    expect(hits).not.toContain('/landed');
  });

  it('reads a small excerpt of an endless answer and times out a silent receiver', async () => {
    const endless = await post('/endless', true);
    expect(endless).toMatchObject({ ok: true, responseCode: 200 });
    const silent = await post('/slow', true, '127.0.0.1', 300);
    expect(silent).toMatchObject({ ok: false, responseCode: 0 });
    expect(silent.error).toContain('timed out');
    expect(silent.latencyMs).toBeLessThan(1000);
  });

  it('abandons an attempt at once when the service stops', async () => {
    const stopping = new AbortController();
    setTimeout(() => stopping.abort(), 100);
    const result = await sendWebhook(
      { url: `http://127.0.0.1:${port}/slow`, body: '{}', headers: {} },
      { timeoutMs: 10_000, allowPrivateTargets: true, signal: stopping.signal },
    );
    expect(result).toMatchObject({ ok: false, responseCode: 0 });
    expect(result.error).toContain('abandoned');
    expect(result.latencyMs).toBeLessThan(1000);
  });
});
