import { pino, type Logger } from 'pino';
import { ConfigError, type Config } from './config.js';
import { isInstalled } from './optional-dependency.js';

export type { Logger };

/**
 * The service logger: JSON lines in production, pretty in an interactive terminal when
 * pino-pretty (an optional dependency) is installed. JSON lines carry the level as a word
 * (`"level":"warn"`) and the time in ISO 8601 (`"time":"2026-12-06T10:00:00.000Z"`), as log
 * pipelines (Loki, Elasticsearch, Cloud Logging) read them without a mapping; calls add their
 * `traceId` (see grpc/pipeline/trace-call.ts). Redaction is a safety net; call sites never pass secrets in
 * the first place.
 * @throws ConfigError for LOG_FORMAT=pretty without pino-pretty installed.
 */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'> & Partial<Pick<Config, 'IMSOP_WORKERS'>>,
  destination?: NodeJS.WritableStream,
): Logger {
  if (config.LOG_FORMAT === 'pretty' && !isInstalled('pino-pretty')) {
    throw new ConfigError([
      'LOG_FORMAT=pretty needs pino-pretty, which is not installed: install it, or use LOG_FORMAT=json',
    ]);
  }
  const pretty =
    config.LOG_FORMAT === 'pretty' ||
    (config.LOG_FORMAT === 'auto' && process.stdout.isTTY === true && isInstalled('pino-pretty'));
  const redact = {
    paths: [
      'password',
      '*.password',
      'token',
      '*.token',
      'authorization',
      '*.authorization',
      'databaseUrl',
      '*.databaseUrl',
    ],
    censor: '[redacted]',
  };
  if (pretty) {
    return pino({
      level: config.LOG_LEVEL,
      base: workerBase(config),
      redact,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  const options = {
    level: config.LOG_LEVEL,
    base: workerBase(config),
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** With several worker processes every line says which one wrote it. */
function workerBase(config: Partial<Pick<Config, 'IMSOP_WORKERS'>>): Record<string, unknown> {
  return (config.IMSOP_WORKERS ?? 1) > 1 ? { service: 'imsop', pid: process.pid } : { service: 'imsop' };
}
