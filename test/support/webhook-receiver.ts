import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST a receiver got, with whether its signature verified against the secret it was told. */
export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  headers: IncomingHttpHeaders;
  body: string;
  event: Record<string, unknown>;
  signatureValid: boolean;
  receivedAt: number;
}

/** How the receiver answers its n-th request (0-based): a status, or 'hang' (never answers). */
export type Answer = (n: number) => number | 'hang';

/**
 * A webhook receiver in the test process: a real HTTP server on 127.0.0.1 that verifies every
 * request's signature the way a user's receiver would (Standard Webhooks: HMAC-SHA256 over
 * `${id}.${timestamp}.${body}`, keyed with the base64 bytes after `whsec_`).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  secret = '';
  readonly #server: Server;
  readonly #hanging = new Set<() => void>();

  private constructor(private readonly answer: Answer) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const id = String(req.headers['webhook-id'] ?? '');
        const timestamp = Number(req.headers['webhook-timestamp']);
        const n = this.received.length;
        this.received.push({
          id,
          timestamp,
          headers: req.headers,
          body,
          event: JSON.parse(body) as Record<string, unknown>,
          signatureValid: verify(this.secret, id, timestamp, body, String(req.headers['webhook-signature'] ?? '')),
          receivedAt: Date.now(),
        });
        const status = this.answer(n);
        if (status === 'hang') {
          const end = () => res.destroy();
          this.#hanging.add(end);
          return;
        }
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
      });
    });
  }

  static async start(answer: Answer = () => 204): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(answer);
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks`;
  }

  /** Requests of one event id. */
  of(eventId: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.id === eventId);
  }

  async stop(): Promise<void> {
    for (const end of this.#hanging) end();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** A receiver's verification, as the README shows it. */
export function verify(secret: string, id: string, timestamp: number, body: string, header: string): boolean {
  if (!secret.startsWith('whsec_')) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return header.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Polls `condition` every 20 ms until it holds, or fails after `timeoutMs`. */
export async function eventually<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
