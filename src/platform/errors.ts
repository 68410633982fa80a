import { status as GrpcStatus } from '@grpc/grpc-js';

export { GrpcStatus };

/** One invalid field of a request, reported as a google.rpc.BadRequest.FieldViolation. */
export interface FieldViolation {
  /** Path of the field in the request, in proto field names, e.g. `items[2].quantity`. */
  field: string;
  description: string;
}

export interface AppErrorOptions {
  /** Extra ErrorInfo metadata (e.g. `available: "3"`). Values must not hold secrets. */
  metadata?: Record<string, string>;
  fieldViolations?: FieldViolation[];
  /** How long the caller should wait before retrying; sent as a google.rpc.RetryInfo. */
  retryDelayMs?: number;
  cause?: unknown;
}

/**
 * The one error type of IMSOP. Domain code throws it; the gRPC boundary turns it into a status
 * with `google.rpc.Status` details: exactly one ErrorInfo carrying `reason`, plus a BadRequest
 * when there are field violations. The message goes to the caller as written, so it must never
 * hold SQL, stack traces or internal ids of other tenants.
 */
export class AppError extends Error {
  readonly metadata: Record<string, string>;
  readonly fieldViolations: FieldViolation[];
  readonly retryDelayMs: number | undefined;

  constructor(
    readonly code: GrpcStatus,
    /** UPPER_SNAKE machine-readable reason, e.g. `INSUFFICIENT_STOCK`. */
    readonly reason: string,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.metadata = options.metadata ?? {};
    this.fieldViolations = options.fieldViolations ?? [];
    this.retryDelayMs = options.retryDelayMs;
  }
}

export const invalidArgument = (fieldViolations: FieldViolation[], message = 'The request has invalid fields.') =>
  new AppError(GrpcStatus.INVALID_ARGUMENT, 'INVALID_ARGUMENT', message, { fieldViolations });

export const notFound = (resource: string, message = `${resource} not found.`) =>
  new AppError(GrpcStatus.NOT_FOUND, `${resource.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_NOT_FOUND`, message, {
    metadata: { resource },
  });

export const unauthenticated = (reason = 'UNAUTHENTICATED', message = 'Valid credentials are required.') =>
  new AppError(GrpcStatus.UNAUTHENTICATED, reason, message);

export const permissionDenied = (permission: string) =>
  new AppError(GrpcStatus.PERMISSION_DENIED, 'PERMISSION_DENIED', `The caller lacks the permission ${permission}.`, {
    metadata: { permission },
  });

export const failedPrecondition = (reason: string, message: string, metadata?: Record<string, string>) =>
  new AppError(GrpcStatus.FAILED_PRECONDITION, reason, message, { metadata });

export const aborted = (reason: string, message: string) => new AppError(GrpcStatus.ABORTED, reason, message);

export const alreadyExists = (reason: string, message: string, metadata?: Record<string, string>) =>
  new AppError(GrpcStatus.ALREADY_EXISTS, reason, message, { metadata });

export const unavailable = (reason: string, message: string) => new AppError(GrpcStatus.UNAVAILABLE, reason, message);

/** A quota or rate limit was hit; `retryDelayMs` tells the caller when trying again can succeed. */
export const resourceExhausted = (reason: string, message: string, retryDelayMs: number, metadata?: Record<string, string>) =>
  new AppError(GrpcStatus.RESOURCE_EXHAUSTED, reason, message, { metadata, retryDelayMs });
