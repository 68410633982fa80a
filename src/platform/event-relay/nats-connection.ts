import { connect, type ConnectionOptions, type NatsConnection } from 'nats';

/**
 * Connection options for the servers of EVENTS_NATS_URL (validated by config as nats:// or
 * tls:// URLs). Credentials may ride in the first URL that has any, as
 * `nats://user:password@host:4222` or `nats://token@host:4222`; they are taken out of the
 * addresses the client sees, so they never appear in its errors or in a log line. `tls://` asks
 * for TLS (verified against Node's public CAs).
 */
export function natsConnectionOptions(servers: readonly string[], name: string): ConnectionOptions {
  const options: ConnectionOptions = {
    name,
    // Reconnect for ever once connected (the client buffers while it does); the first connect
    // is retried by the relay with its own backoff, so a stop never waits on the client.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    waitOnFirstConnect: false,
    timeout: 5_000,
  };
  const addresses: string[] = [];
  for (const server of servers) {
    const url = new URL(server);
    if (url.protocol === 'tls:') options.tls = {};
    if (url.username && options.user === undefined && options.token === undefined) {
      if (url.password) {
        options.user = decodeURIComponent(url.username);
        options.pass = decodeURIComponent(url.password);
      } else {
        options.token = decodeURIComponent(url.username);
      }
    }
    // hostname keeps an IPv6 address's brackets.
    addresses.push(`${url.hostname}:${url.port || '4222'}`);
  }
  options.servers = addresses;
  return options;
}

/** One connection attempt; rejects at once when no server answers (the caller retries). */
export function connectNats(servers: readonly string[], name: string): Promise<NatsConnection> {
  return connect(natsConnectionOptions(servers, name));
}
