import { Metadata, type ServiceError, status as GrpcStatus } from '@grpc/grpc-js';
import { Any } from '../../../gen/ts/google/protobuf/any.js';
import { BadRequest, ErrorInfo, RetryInfo } from '../../../gen/ts/google/rpc/error_details.js';
import { Status } from '../../../gen/ts/google/rpc/status.js';
import { AppError } from '../errors.js';

export const ERROR_DOMAIN = 'imsop.dev';
const TYPE_PREFIX = 'type.googleapis.com/';

/** A gRPC status ready to send, and whether it hides an unexpected (logged) failure. */
export interface MappedError {
  error: Partial<ServiceError> & { code: GrpcStatus; details: string; metadata: Metadata };
  unexpected: boolean;
}

/**
 * The one boundary where anything thrown becomes a gRPC status. AppErrors pass through as
 * written; well-known PostgreSQL conditions become retryable statuses; anything else becomes
 * INTERNAL with only the correlation id (the log line with the same id has the cause).
 */
export function toGrpcError(thrown: unknown, requestId: string): MappedError {
  const known = thrown instanceof AppError ? thrown : fromDatabaseError(thrown);
  const appError =
    known ??
    new AppError(
      GrpcStatus.INTERNAL,
      'INTERNAL',
      `Internal error. Quote correlation id ${requestId} (x-request-id) when reporting it.`,
    );
  return { error: encode(appError, requestId), unexpected: known === undefined };
}

/**
 * Status messages travel in HTTP/2 trailers, where an oversized header breaks the call for the
 * client (it never sees the status). Anything that might quote caller input is capped here.
 */
const MAX_MESSAGE_CHARS = 1_000;
const MAX_DETAIL_CHARS = 500;
const MAX_VIOLATIONS = 50;
const cap = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}...` : text);

function encode(e: AppError, requestId: string): MappedError['error'] {
  const details: Any[] = [
    {
      typeUrl: TYPE_PREFIX + 'google.rpc.ErrorInfo',
      value: Buffer.from(
        ErrorInfo.encode({
          reason: e.reason,
          domain: ERROR_DOMAIN,
          metadata: {
            ...Object.fromEntries(Object.entries(e.metadata).map(([k, v]) => [k, cap(v, MAX_DETAIL_CHARS)])),
            requestId,
          },
        }).finish(),
      ),
    },
  ];
  if (e.fieldViolations.length > 0) {
    details.push({
      typeUrl: TYPE_PREFIX + 'google.rpc.BadRequest',
      value: Buffer.from(
        BadRequest.encode({
          fieldViolations: e.fieldViolations.slice(0, MAX_VIOLATIONS).map((v) => ({
            field: cap(v.field, 200),
            description: cap(v.description, MAX_DETAIL_CHARS),
            reason: '',
            localizedMessage: undefined,
          })),
        }).finish(),
      ),
    });
  }
  if (e.retryDelayMs !== undefined) {
    const ms = Math.max(0, Math.ceil(e.retryDelayMs));
    details.push({
      typeUrl: TYPE_PREFIX + 'google.rpc.RetryInfo',
      value: Buffer.from(
        RetryInfo.encode({ retryDelay: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 } }).finish(),
      ),
    });
  }
  const metadata = new Metadata();
  const message = cap(e.message, MAX_MESSAGE_CHARS);
  metadata.set('grpc-status-details-bin', Buffer.from(Status.encode({ code: e.code, message, details }).finish()));
  return { code: e.code, details: message, metadata };
}

const RETRYABLE_CONNECTION =
  /Connection terminated|ECONNREFUSED|ECONNRESET|EPIPE|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/** Maps PostgreSQL / driver failures that are not the caller's fault to honest retryable codes. */
function fromDatabaseError(thrown: unknown): AppError | undefined {
  if (!(thrown instanceof Error)) return undefined;
  const code = (thrown as { code?: unknown }).code;
  if (code === '40001' || code === '40P01') {
    return new AppError(
      GrpcStatus.ABORTED,
      'CONCURRENT_MODIFICATION',
      'The operation conflicted with a concurrent change; retry it.',
    );
  }
  // Class 22 (data exception): a value from the request that PostgreSQL cannot take, e.g. a NUL
  // character in text or a number out of range, which validation let through. The caller's input
  // is at fault, so say so rather than INTERNAL; the log line still records the detail.
  if (typeof code === 'string' && code.startsWith('22')) {
    return new AppError(
      GrpcStatus.INVALID_ARGUMENT,
      'INVALID_VALUE',
      'A value in the request cannot be stored or compared (for example a NUL character in text, or a number out of range).',
    );
  }
  if (code === '57014') {
    return new AppError(
      GrpcStatus.DEADLINE_EXCEEDED,
      'STATEMENT_TIMEOUT',
      'The operation took too long and was cancelled.',
    );
  }
  if (
    (typeof code === 'string' &&
      (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')) ||
    RETRYABLE_CONNECTION.test(thrown.message)
  ) {
    return new AppError(GrpcStatus.UNAVAILABLE, 'DATABASE_UNAVAILABLE', 'The database is unavailable; retry shortly.');
  }
  return undefined;
}
