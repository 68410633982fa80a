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
 * How long an idle kept-alive connection is kept: below the 5 s keep-alive of Node's own HTTP
 * server (and most proxies'), so the receiver rarely closes one just as it is reused.
 */
const IDLE_CONNECTION_MS = 4_000;

/**
 * Kept-alive connections, one pool per scheme and per SSRF rule: a connection is only ever made
 * through guardedLookup, so a pooled one goes to an address that was checked when it connected
 * (a name that resolves elsewhere later gets a new, checked connection once the old one is gone).
 */
const agents = new Map<string, http.Agent>();
function agentFor(protocol: string, allowPrivateTargets: boolean): http.Agent {
  const key = `${protocol}${allowPrivateTargets}`;
  let agent = agents.get(key);
  if (!agent) {
    const options = { keepAlive: true, timeout: IDLE_CONNECTION_MS, lookup: guardedLookup(allowPrivateTargets) };
    agent = protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    agents.set(key, agent);
  }
  return agent;
}

/**
 * POSTs one delivery and never throws: every failure is a result. Bounded in every way a
 * receiver could hold it: the whole exchange (connect, TLS, headers, the body excerpt) must fit
 * in `timeoutMs`; at most RESPONSE_EXCERPT_BYTES of the answer's body are read before the
 * connection is dropped; redirects are answers like any other (a 3xx is a failure, never
 * followed). The connection is kept alive for the next delivery to the same receiver only when
 * the exchange ended cleanly (the whole answer read in time); any other end closes it, so a
 * receiver that stalls or floods never leaves a half-read connection in the pool. A kept
 * connection the receiver closed meanwhile is retried once on a new one (the receiver got
 * nothing: the request failed before any answer).
 * The target is checked against SSRF here too: its form and literal address, and every address
 * its name resolves to, at connect time.
 */
export async function sendWebhook(request: WebhookRequest, options: SenderOptions): Promise<WebhookResult> {
  const started = performance.now();
  const refused = forbiddenUrl(request.url, options.allowPrivateTargets);
  if (refused) return { ok: false, responseCode: 0, latencyMs: 0, error: `target refused: url ${refused}` };
  const attempt = await exchange(request, options, started);
  if (attempt !== 'stale connection') return attempt;
  const retried = await exchange(request, options, started);
  return retried === 'stale connection'
    ? {
        ok: false,
        responseCode: 0,
        latencyMs: Math.round(performance.now() - started),
        error: 'ECONNRESET: socket hang up',
      }
    : retried;
}

/** One POST; 'stale connection' when a kept-alive connection turned out closed before any answer. */
function exchange(
  request: WebhookRequest,
  options: SenderOptions,
  started: number,
): Promise<WebhookResult | 'stale connection'> {
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<WebhookResult, 'latencyMs'> | 'stale connection', clean = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abandon);
      // Only a connection whose answer was read to its end goes back to the pool.
      if (!clean) req.destroy();
      resolve(result === 'stale connection' ? result : { ...result, latencyMs: elapsed() });
    };
    const url = new URL(request.url);
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      agent: agentFor(url.protocol, options.allowPrivateTargets),
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
    let answered = false;
    req.on('error', (error: Error & { code?: string }) => {
      if (req.reusedSocket && !answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE'))
        return finish('stale connection');
      finish({
        ok: false,
        responseCode: 0,
        error: error.code === 'WEBHOOK_TARGET_FORBIDDEN' ? `target refused: ${error.message}` : describe(error),
      });
    });
    req.on('response', (res) => {
      answered = true;
      const code = res.statusCode ?? 0;
      const ok = code >= 200 && code < 300;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (clean: boolean) => {
        const excerpt = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8').trim();
        finish(
          {
            ok,
            responseCode: code,
            error: ok ? '' : `HTTP ${code}${excerpt ? `: ${excerpt.slice(0, 200)}` : ''}`,
          },
          clean,
        );
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= RESPONSE_EXCERPT_BYTES) done(false);
      });
      res.on('end', () => done(true));
      res.on('error', () => done(false));
    });
    req.end(request.body);
  });
}

function describe(error: Error & { code?: string }): string {
  return (error.code ? `${error.code}: ` : '') + error.message;
}
