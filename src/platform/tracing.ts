import {
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Metadata } from '@grpc/grpc-js';
import type { Command, Redis } from 'ioredis';

/**
 * OpenTelemetry tracing. Spans are made here, by hand, where every call passes through: the
 * call pipeline (one SERVER span per call, child of the caller's W3C `traceparent`), the
 * Database (one CLIENT span per SQL statement) and the Redis client (one CLIENT span per
 * command). The auto-instrumentations patch CommonJS `require`, which this ES-module service
 * does not go through, so they would need a loader hook at start; these spans cover the same
 * ground.
 *
 * Without a registered provider (no OTEL_EXPORTER_OTLP_ENDPOINT) the API is a no-op: spans are
 * not recorded and the only cost per call is reading the `traceparent` metadata, which still
 * puts the caller's trace id on the call's log lines; a call without one makes no span at all.
 */
const tracer = trace.getTracer('imsop');
/** True while startTracing's provider is registered (spans are recorded). */
let recording = false;
const w3c = new W3CTraceContextPropagator();

const metadataGetter: TextMapGetter<Metadata> = {
  get: (carrier, key) => {
    const value = carrier.get(key)[0];
    return typeof value === 'string' ? value : undefined;
  },
  keys: (carrier) => Object.keys(carrier.getMap()),
};

/** A call's server span and the OpenTelemetry context to run its work in. */
export interface CallSpan {
  span: Span;
  context: Context;
  /** The trace id for log lines, when the call belongs to a trace (its caller's or ours). */
  traceId: string | undefined;
}

/**
 * Starts the SERVER span of a gRPC call, continuing the caller's trace when it sent `traceparent`.
 * Undefined when there is nothing to trace: no provider and no `traceparent` (the no-op span,
 * its context and attributes would be made and dropped on every call of an untraced service).
 */
export function startCallSpan(path: string, metadata: Metadata): CallSpan | undefined {
  if (!recording && metadata.get('traceparent').length === 0) return undefined;
  const parent = w3c.extract(ROOT_CONTEXT, metadata, metadataGetter);
  const slash = path.lastIndexOf('/');
  const service = path.slice(1, slash);
  const method = path.slice(slash + 1);
  const span = tracer.startSpan(
    `${service}/${method}`,
    { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method } },
    parent,
  );
  const spanContext = span.spanContext();
  return {
    span,
    context: trace.setSpan(parent, span),
    traceId: isSpanContextValid(spanContext) ? spanContext.traceId : undefined,
  };
}

/** Ends a call's span with its gRPC status code (anything but OK marks the span as an error). */
export function endCallSpan(span: Span, code: number, codeName: string): void {
  span.setAttribute('rpc.grpc.status_code', code);
  if (code !== 0) span.setStatus({ code: SpanStatusCode.ERROR, message: codeName });
  span.end();
}

/** Longest statement text kept on a span. */
const MAX_STATEMENT_CHARS = 2_000;

/**
 * Records one SQL statement that took `durationMs` and has just finished, as a CLIENT span of the
 * active call (nothing when no span is active, i.e. tracing is off). Statements carry `$n`
 * placeholders, never parameter values.
 */
export function recordStatementSpan(statement: string, durationMs: number, error?: unknown): void {
  const active = context.active();
  if (!trace.getSpan(active)?.isRecording()) return;
  const operation = /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? 'SQL';
  const end = Date.now();
  const span = tracer.startSpan(
    `postgresql ${operation}`,
    {
      kind: SpanKind.CLIENT,
      startTime: end - durationMs,
      attributes: {
        'db.system.name': 'postgresql',
        'db.operation.name': operation,
        'db.query.text': statement.slice(0, MAX_STATEMENT_CHARS),
      },
    },
    active,
  );
  if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message?.slice(0, 200) });
  span.end(end);
}

/**
 * Makes every command `redis` sends a CLIENT span of the active call (`redis GET`, ...), with no
 * keys or values recorded; commands outside a recording span cost one context lookup. Patches
 * this one client, as the ioredis instrumentation patches the class (see the header for why
 * this module makes its spans itself).
 */
export function traceRedisCommands(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: Command, stream?: unknown) => {
    const active = context.active();
    if (!trace.getSpan(active)?.isRecording()) return send(command, stream as never);
    const span = tracer.startSpan(
      `redis ${command.name.toUpperCase()}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'db.system.name': 'redis', 'db.operation.name': command.name.toUpperCase() },
      },
      active,
    );
    const sent = send(command, stream as never);
    command.promise.then(
      () => span.end(),
      (error: unknown) => {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message?.slice(0, 200) });
        span.end();
      },
    );
    return sent;
  }) as Redis['sendCommand'];
}

export interface TracingOptions {
  /** OTLP/HTTP base endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans go to `<endpoint>/v1/traces`. */
  endpoint?: string;
  serviceName: string;
  serviceVersion: string;
  /** Where spans go instead of (or besides) OTLP: tests pass an in-memory exporter's processor. */
  spanProcessors?: SpanProcessor[];
}

/** A running tracer provider; `shutdown` flushes the spans not yet exported. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Registers the global tracer provider (with async context propagation and the W3C propagator)
 * when there is somewhere to send spans; otherwise returns undefined and tracing stays a no-op.
 * The SDK is loaded only then, so a service without tracing never pays for it.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  const processors = [...(options.spanProcessors ?? [])];
  if (options.endpoint) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    processors.push(
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` })),
    );
  }
  if (processors.length === 0) return undefined;
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.version': options.serviceVersion,
    }),
    spanProcessors: processors,
  });
  provider.register();
  recording = true;
  return {
    shutdown: async () => {
      recording = false;
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}
