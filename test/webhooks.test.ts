import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { pruneDeliveryLog } from '../src/webhooks/delivery-log-retention.js';
import { expectError } from './support/expect-error.js';
import { adminQuery } from './support/inventory.js';
import { events, type ImsopClient } from './support/sdk.js';
import { startTestServer, type TestServer, type TestServerOptions } from './support/server.js';
import { signedInTenant } from './support/tenant.js';
import { tenantTest } from './support/tenant-fixture.js';
import { eventually, verify, WebhookReceiver, type Answer } from './support/webhook-receiver.js';

/**
 * Webhooks end to end: a real server, its dispatcher, and receivers that are real HTTP servers
 * in this process verifying every signature. Retries are shortened through configuration (the
 * same knobs an operator turns); private targets are allowed so receivers can listen on
 * 127.0.0.1 (webhooks-ssrf.test.ts checks the refusals with the setting off).
 */
const DISABLE_AFTER = 5;
const it = tenantTest.override(
  'serverOptions',
  { scope: 'file' },
  {
    env: {
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOKS_RETRY_SCHEDULE: '50ms,100ms',
      WEBHOOKS_DISABLE_AFTER_FAILURES: String(DISABLE_AFTER),
      WEBHOOKS_TIMEOUT_MS: '800',
      WEBHOOKS_POLL_INTERVAL_MS: '100',
    },
  },
);

const receivers: WebhookReceiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
});

async function receiver(answer?: Answer): Promise<WebhookReceiver> {
  const r = await WebhookReceiver.start(answer);
  receivers.push(r);
  return r;
}

/** Subscribes `r` (product.created events unless told otherwise) and hands it its secret. */
async function subscribe(imsop: ImsopClient, r: WebhookReceiver, eventTypes = ['product.created']) {
  const { subscription, secret } = await imsop.webhooks.createWebhookSubscription({
    subscription: { url: r.url, eventTypes, description: 'test receiver' },
  });
  r.secret = secret;
  return subscription!;
}

/** Runs `use` with the test organization's client of a second server instance on the same database, then stops it. */
async function withSecondInstance(
  { org, server, serverOptions }: { org: { token: string }; server: TestServer; serverOptions: TestServerOptions },
  use: (viaSecond: ImsopClient) => Promise<void>,
): Promise<void> {
  const second = await startTestServer({ ...serverOptions, database: server.database });
  try {
    await use(second.connect(org.token));
  } finally {
    await second.stop();
  }
}

let n = 0;
async function createProduct(imsop: ImsopClient) {
  const { product } = await imsop.products.createProduct({
    product: { sku: `WH-${process.pid}-${++n}`, name: `Webhook product ${n}` },
  });
  return product!;
}

/** A TCP port nobody listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The event a receiver got about `productId` (waits for it). */
async function eventAbout(r: WebhookReceiver, productId: string) {
  return eventually(() => r.received.find((w) => w.event.resourceId === productId));
}

describe('WebhookService', () => {
  it('delivers a committed change once, signed, with the event id; a rolled-back change never', async ({ imsop }) => {
    const r = await receiver();
    const subscription = await subscribe(imsop, r);
    expect(subscription.active).toBe(true);

    const product = await createProduct(imsop);
    // Rolled back: the same SKU again is refused, its transaction (and its event) with it.
    await expectError(imsop.products.createProduct({ product: { sku: product.sku, name: 'duplicate' } }));
    const later = await createProduct(imsop);

    const first = await eventAbout(r, product.id);
    await eventAbout(r, later.id);
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for a wrong duplicate to arrive
    expect(first.signatureValid).toBe(true);
    expect(first.event).toMatchObject({
      eventId: first.id,
      resourceType: 'product',
      resourceId: product.id,
      eventType: 'product.created',
      resource: { id: product.id, sku: product.sku },
    });
    expect(r.of(first.id)).toHaveLength(1);
    expect(r.received.map((w) => w.event.resourceId)).toEqual([product.id, later.id]);
    expect(Math.abs(first.timestamp - Date.now() / 1000)).toBeLessThan(60);

    const deliveries = await eventually(async () => {
      const page = await imsop.webhooks.listWebhookDeliveries({ subscriptionId: subscription.id });
      return page.deliveries.length === 2 && page.deliveries;
    });
    expect(deliveries.map((d) => [d.eventId, d.attempt, d.outcome, d.responseCode])).toEqual([
      [r.received[1]!.id, 1, events.WebhookDeliveryOutcome.WEBHOOK_DELIVERY_OUTCOME_SUCCEEDED, 204],
      [first.id, 1, events.WebhookDeliveryOutcome.WEBHOOK_DELIVERY_OUTCOME_SUCCEEDED, 204],
    ]);
    // The secret is shown once: never again.
    const { subscription: read } = await imsop.webhooks.getWebhookSubscription({ id: subscription.id });
    expect(JSON.stringify(read)).not.toContain(r.secret.slice(6));
  });

  it('retries a failing receiver with the same event id until it answers; the log shows every attempt', async ({
    imsop,
  }) => {
    const r = await receiver((i) => (i < 3 ? 503 : 200));
    const subscription = await subscribe(imsop, r);
    const product = await createProduct(imsop);
    const delivered = await eventually(() => r.received.length >= 4 && r.received);
    const id = delivered[0]!.id;
    expect(delivered.map((w) => w.id)).toEqual([id, id, id, id]);
    expect(delivered.every((w) => w.signatureValid && w.event.resourceId === product.id)).toBe(true);
    // Backoff: attempts spread out (50 ms, 100 ms, 100 ms, with jitter), not fired back to back.
    expect(delivered[3]!.receivedAt - delivered[0]!.receivedAt).toBeGreaterThanOrEqual(150);

    const log = await eventually(async () => {
      const { deliveries } = await imsop.webhooks.listWebhookDeliveries({
        subscriptionId: subscription.id,
        eventId: id,
      });
      return deliveries.length === 4 && deliveries;
    });
    expect(log.map((d) => [d.attempt, d.outcome, d.responseCode])).toEqual([
      [4, events.WebhookDeliveryOutcome.WEBHOOK_DELIVERY_OUTCOME_SUCCEEDED, 200],
      [3, events.WebhookDeliveryOutcome.WEBHOOK_DELIVERY_OUTCOME_FAILED, 503],
      [2, events.WebhookDeliveryOutcome.WEBHOOK_DELIVERY_OUTCOME_FAILED, 503],
      [1, events.WebhookDeliveryOutcome.WEBHOOK_DELIVERY_OUTCOME_FAILED, 503],
    ]);
    expect(log[1]!.error).toContain('HTTP 503');
    const { subscription: after } = await imsop.webhooks.getWebhookSubscription({ id: subscription.id });
    expect(after).toMatchObject({ active: true, failureStreak: 0 });
  });

  it('a dead receiver does not delay another subscription', async ({ imsop }) => {
    const dead = await receiver(() => 'hang');
    const alive = await receiver();
    await subscribe(imsop, dead);
    await subscribe(imsop, alive);
    const product = await createProduct(imsop);
    const served = await eventAbout(alive, product.id);
    const hanging = await eventAbout(dead, product.id);
    // The live one is served while the dead one's attempt is still being waited on (timeout
    // 800 ms): both come from the same wake-up, so only waiting for the dead one first could put
    // them a timeout apart, however slow the machine.
    expect(served.receivedAt - hanging.receivedAt).toBeLessThan(800);
  });

  it('disables a subscription after the configured run of failures, recording webhook.disabled', async ({ imsop }) => {
    const failing = await receiver(() => 500);
    const watcher = await receiver();
    await subscribe(imsop, watcher, ['webhook.disabled']);
    const subscription = await subscribe(imsop, failing);
    await createProduct(imsop);

    const notice = await eventually(() => watcher.received.find((w) => w.event.resourceId === subscription.id));
    expect(notice.signatureValid).toBe(true);
    expect(notice.event).toMatchObject({
      eventType: 'webhook.disabled',
      resourceType: 'webhook_subscription',
      // proto3 JSON leaves out `active: false`, like every default.
      resource: { id: subscription.id, disabledReason: 'WEBHOOK_DISABLED_REASON_FAILURES' },
    });
    expect(failing.received).toHaveLength(DISABLE_AFTER);
    const { subscription: disabled } = await imsop.webhooks.getWebhookSubscription({ id: subscription.id });
    expect(disabled).toMatchObject({
      active: false,
      disabledReason: events.WebhookDisabledReason.WEBHOOK_DISABLED_REASON_FAILURES,
      failureStreak: DISABLE_AFTER,
    });
    expect(JSON.stringify(notice.event)).not.toContain(failing.secret.slice(6));

    // Reactivated: delivery resumes at the event that failed, with the same id.
    const failedId = failing.received[0]!.id;
    const repaired = await receiver();
    repaired.secret = failing.secret;
    await imsop.webhooks.updateWebhookSubscription({
      subscription: { id: subscription.id, url: repaired.url, active: true },
      updateMask: ['url', 'active'],
    });
    const resumed = await eventually(() => repaired.received[0]);
    expect(resumed).toMatchObject({ id: failedId, signatureValid: true });
  });

  it("delivers nothing of one tenant to another tenant's subscription", async ({ imsop, server }) => {
    const other = await signedInTenant(server);
    const theirs = await receiver();
    const ours = await receiver();
    await subscribe(other.imsop, theirs);
    await subscribe(imsop, ours);
    const product = await createProduct(imsop);
    await eventAbout(ours, product.id);
    const own = await createProduct(other.imsop);
    await eventAbout(theirs, own.id);
    expect(theirs.received.map((w) => w.event.resourceId)).toEqual([own.id]);
    // Their subscription is not ours to read or redeliver to.
    const { subscriptions } = await other.imsop.webhooks.listWebhookSubscriptions({});
    const error = await expectError(imsop.webhooks.getWebhookSubscription({ id: subscriptions[0]!.id }));
    expect(error.reason).toBe('WEBHOOK_SUBSCRIPTION_NOT_FOUND');
    const redeliver = await expectError(
      other.imsop.webhooks.redeliverEvent({ subscriptionId: subscriptions[0]!.id, eventId: ours.received[0]!.id }),
    );
    expect(redeliver.reason).toBe('CHANGE_EVENT_NOT_FOUND');
  });

  it('redelivers one event on request and replays from a cursor, keeping event ids', async ({ imsop }) => {
    const r = await receiver();
    const subscription = await subscribe(imsop, r);
    const a = await createProduct(imsop);
    const b = await createProduct(imsop);
    const first = await eventAbout(r, a.id);
    await eventAbout(r, b.id);

    const { delivery } = await imsop.webhooks.redeliverEvent({ subscriptionId: subscription.id, eventId: first.id });
    expect(delivery).toMatchObject({
      eventId: first.id,
      attempt: 2,
      trigger: events.WebhookDeliveryTrigger.WEBHOOK_DELIVERY_TRIGGER_REDELIVERY,
      outcome: events.WebhookDeliveryOutcome.WEBHOOK_DELIVERY_OUTCOME_SUCCEEDED,
    });
    expect(r.of(first.id)).toHaveLength(2);

    // Back to the cursor the subscription started with: both events again, in order, same ids.
    const { subscription: replayed } = await imsop.webhooks.replayWebhookFromCursor({
      subscriptionId: subscription.id,
      afterCursor: subscription.cursor,
    });
    expect(replayed!.cursor).toBe(subscription.cursor);
    await eventually(() => r.received.length >= 5);
    expect(r.received.map((w) => w.event.resourceId)).toEqual([a.id, b.id, a.id, a.id, b.id]);
    expect(r.received.every((w) => w.signatureValid)).toBe(true);

    const missing = await expectError(
      imsop.webhooks.redeliverEvent({ subscriptionId: subscription.id, eventId: randomUUID() }),
    );
    expect(missing.reason).toBe('CHANGE_EVENT_NOT_FOUND');
    const bad = await expectError(
      imsop.webhooks.replayWebhookFromCursor({ subscriptionId: subscription.id, afterCursor: 'nope' }),
    );
    expect(bad.fieldViolations.map((v) => v.field)).toEqual(['after_cursor']);
  });

  it('rotates the secret: both secrets sign during the overlap, only the new one after', async ({ imsop }) => {
    const r = await receiver();
    const subscription = await subscribe(imsop, r);
    const old = r.secret;
    const { secret } = await imsop.webhooks.rotateWebhookSecret({ id: subscription.id });
    expect(secret).not.toBe(old);
    const during = await eventAbout(r, (await createProduct(imsop)).id);
    const signature = (w: typeof during) => String(w.headers['webhook-signature']);
    expect(verify(old, during.id, during.timestamp, during.body, signature(during))).toBe(true);
    expect(verify(secret, during.id, during.timestamp, during.body, signature(during))).toBe(true);

    const { secret: newest, subscription: rotated } = await imsop.webhooks.rotateWebhookSecret({
      id: subscription.id,
      previousSecretValidity: { seconds: 0, nanos: 0 },
    });
    expect(rotated!.previousSecretExpireTime).toBeUndefined();
    const after = await eventAbout(r, (await createProduct(imsop)).id);
    expect(verify(newest, after.id, after.timestamp, after.body, signature(after))).toBe(true);
    expect(verify(secret, after.id, after.timestamp, after.body, signature(after))).toBe(false);
  });

  it("the README's receiver verifies the signature and sees the event once", async ({ imsop }) => {
    const readme = readFileSync('README.md', 'utf8');
    const code = /A receiver in Node[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'imsop-receiver-'));
    const port = await freePort();
    const { subscription, secret } = await imsop.webhooks.createWebhookSubscription({
      subscription: { url: `http://127.0.0.1:${port}/`, eventTypes: ['product.created'] },
    });
    writeFileSync(join(dir, 'receiver.mjs'), code!);
    const child = spawn(process.execPath, [join(dir, 'receiver.mjs')], {
      env: { ...process.env, WEBHOOK_SECRET: secret, PORT: String(port) },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const product = await createProduct(imsop);
      await eventually(() => output.includes(`product.created ${product.id}`), 15_000);
      // The newest attempt is the receiver's 204 (earlier ones may have found it not yet listening).
      await eventually(async () => {
        const { deliveries } = await imsop.webhooks.listWebhookDeliveries({ subscriptionId: subscription!.id });
        return deliveries[0]?.responseCode === 204;
      });
      const forged = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: {
          'webhook-id': 'x',
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': 'v1,AAAA',
        },
        body: '{}',
      });
      expect(forged.status).toBe(401);
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('delivers each event once, in order, with two server instances (one dispatcher leads)', async ({
    imsop,
    org,
    server,
    serverOptions,
  }) => {
    await withSecondInstance({ org, server, serverOptions }, async (viaSecond) => {
      const r = await receiver();
      await subscribe(imsop, r);
      const products = [];
      for (let i = 0; i < 10; i++) products.push(await createProduct(i % 2 ? imsop : viaSecond));
      await eventually(() => r.received.length >= 10);
      await new Promise((resolve) => setTimeout(resolve, 500)); // room for a duplicate to arrive
      expect(r.received.map((w) => w.event.resourceId)).toEqual(products.map((p) => p.id));
      expect(new Set(r.received.map((w) => w.id)).size).toBe(10);
    });
  });

  it('serves a subscription made on either of two instances, whichever leads the dispatch', async ({
    imsop,
    org,
    server,
    serverOptions,
  }) => {
    await withSecondInstance({ org, server, serverOptions }, async (viaSecond) => {
      // One of the two instances does not lead: the leader learns of the subscription made there
      // from its next poll, not from that instance's wake-up.
      const [first, other] = [await receiver(), await receiver()];
      await subscribe(imsop, first);
      await subscribe(viaSecond, other);
      const products = [];
      for (let i = 0; i < 6; i++) products.push(await createProduct(i % 2 ? imsop : viaSecond));
      await eventually(() => first.received.length >= 6 && other.received.length >= 6);
      await new Promise((resolve) => setTimeout(resolve, 300)); // room for a duplicate to arrive
      for (const r of [first, other])
        expect(r.received.map((w) => w.event.resourceId)).toEqual(products.map((p) => p.id));
    });
  });

  it('prunes delivery attempts older than the log retention', async ({ imsop, server }) => {
    const r = await receiver();
    const subscription = await subscribe(imsop, r);
    await eventAbout(r, (await createProduct(imsop)).id);
    await eventAbout(r, (await createProduct(imsop)).id);
    // The attempt is logged just after the receiver answered.
    const deliveries = await eventually(async () => {
      const page = await imsop.webhooks.listWebhookDeliveries({ subscriptionId: subscription.id });
      return page.deliveries.length === 2 && page.deliveries;
    });
    await adminQuery(server, `UPDATE webhook_deliveries SET attempted_at = now() - interval '31 days' WHERE id = $1`, [
      deliveries[1]!.id,
    ]);
    expect(await pruneDeliveryLog(server.runtime.app)).toBe(1);
    const { deliveries: kept } = await imsop.webhooks.listWebhookDeliveries({ subscriptionId: subscription.id });
    expect(kept.map((d) => d.id)).toEqual([deliveries[0]!.id]);
  });

  it('validates subscriptions with field violations and needs events.webhooks:manage', async ({ imsop }) => {
    const error = await expectError(
      imsop.webhooks.createWebhookSubscription({
        subscription: { url: 'ftp://example.com/x', eventTypes: ['no.such_event'], resourceTypes: ['nothing'] },
      }),
    );
    expect(error.codeName).toBe('INVALID_ARGUMENT');
    expect(error.fieldViolations.map((v) => v.field).sort()).toEqual([
      'subscription.event_types',
      'subscription.resource_types',
      'subscription.url',
    ]);
    const missing = await expectError(imsop.webhooks.getWebhookSubscription({ id: randomUUID() }));
    expect(missing.reason).toBe('WEBHOOK_SUBSCRIPTION_NOT_FOUND');
  });
});
