import { createHmac, randomBytes } from 'node:crypto';

/**
 * Signing of webhook deliveries, after the Standard Webhooks convention
 * (https://www.standardwebhooks.com), so receivers can verify with its libraries or in a few
 * lines: a secret is `whsec_` + base64 of 32 random bytes; the signed content is
 * `<webhook-id>.<webhook-timestamp>.<body>`; the `webhook-signature` header is
 * `v1,<base64 HMAC-SHA256>`, one per valid secret, separated by spaces (two during a rotation).
 */
const PREFIX = 'whsec_';

/** A new signing secret. */
export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** The `webhook-signature` header of one delivery, signed with every secret given. */
export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
      return 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
    })
    .join(' ');
}
