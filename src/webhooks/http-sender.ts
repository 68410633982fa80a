import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { forbiddenUrl, guardedLookup } from './target-guard.js';

/** One POST to a receiver. */
export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** How a POST ended. `responseCode` 0: there was no HTTP answer. */
export interface WebhookResult {
  ok: boolean;
  responseCode: number;
  latencyMs: number;
  /** Why it failed, for people; '' when ok. */
  error: string;
}

export interface SenderOptions {
  timeoutMs: number;
  allowPrivateTargets: boolean;
  /** Abandons the attempt (the server is stopping): it ends at once as a failure saying so. */
  signal?: AbortSignal;
}

/** What of a receiver's answer is read (to quote it in the log): its body is never awaited beyond this. */
const RESPONSE_EXCERPT_BYTES = 1024;
const USER_AGENT = 'IMSOP-Webhooks/1';

/**
 * POSTs one delivery and never throws: every failure is a result. Bounded in every way a
 * receiver could hold it: the whole exchange (connect, TLS, headers, the body excerpt) must fit
 * in `timeoutMs`; at most RESPONSE_EXCERPT_BYTES of the answer's body are read before the
 * connection is dropped; redirects are answers like any other (a 3xx is a failure, never
 * followed); a fresh connection per delivery (no pooled socket that a dead receiver could hold).
 * The target is checked against SSRF here too: its form and literal address, and every address
 * its name resolves to, at connect time.
 */
export function sendWebhook(request: WebhookRequest, options: SenderOptions): Promise<WebhookResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const refused = forbiddenUrl(request.url, options.allowPrivateTargets);
  if (refused)
    return Promise.resolve({ ok: false, responseCode: 0, latencyMs: 0, error: `target refused: url ${refused}` });

  return new Promise<WebhookResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<WebhookResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abandon);
      req.destroy();
      resolve({ ...result, latencyMs: elapsed() });
    };
    const url = new URL(request.url);
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      agent: false,
      lookup: guardedLookup(options.allowPrivateTargets),
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(request.body),
        'user-agent': USER_AGENT,
        ...request.headers,
      },
    });
    const timer = setTimeout(
      () => finish({ ok: false, responseCode: 0, error: `timed out after ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    const abandon = () => finish({ ok: false, responseCode: 0, error: 'abandoned: the service is stopping' });
    if (options.signal?.aborted) abandon();
    options.signal?.addEventListener('abort', abandon, { once: true });
    req.on('error', (error: Error & { code?: string }) =>
      finish({
        ok: false,
        responseCode: 0,
        error: error.code === 'WEBHOOK_TARGET_FORBIDDEN' ? `target refused: ${error.message}` : describe(error),
      }),
    );
    req.on('response', (res) => {
      const code = res.statusCode ?? 0;
      const ok = code >= 200 && code < 300;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const excerpt = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8').trim();
        finish({
          ok,
          responseCode: code,
          error: ok ? '' : `HTTP ${code}${excerpt ? `: ${excerpt.slice(0, 200)}` : ''}`,
        });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= RESPONSE_EXCERPT_BYTES) done();
      });
      res.on('end', done);
      res.on('error', done);
    });
    req.end(request.body);
  });
}

function describe(error: Error & { code?: string }): string {
  return (error.code ? `${error.code}: ` : '') + error.message;
}
