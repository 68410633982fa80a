import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ErrorMetadata, ErrorReasonName } from '../../gen/ts/imsop/api/v1/error_reason_metadata.js';

export { GrpcStatus };
export type { ErrorReasonName };

/**
 * The ErrorInfo metadata a reason declares (proto/imsop/api/v1/error_reason.proto): its keys
 * and no others; `never` for a reason that declares none.
 */
export type MetadataOf<R extends ErrorReasonName> = [keyof ErrorMetadata[R]] extends [never] ? never : ErrorMetadata[R];

/** One invalid field of a request, reported as a google.rpc.BadRequest.FieldViolation. */
export interface FieldViolation {
  /** Path of the field in the request, in proto field names, e.g. `items[2].quantity`. */
  field: string;
  description: string;
}

export interface AppErrorOptions<R extends ErrorReasonName = ErrorReasonName> {
  /** ErrorInfo metadata, as the reason declares it (e.g. `available: "3"`). Values must not hold secrets. */
  metadata?: MetadataOf<R>;
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
export class AppError<R extends ErrorReasonName = ErrorReasonName> extends Error {
  readonly metadata: Readonly<Record<string, string>>;
  readonly fieldViolations: FieldViolation[];
  readonly retryDelayMs: number | undefined;

  constructor(
    readonly code: GrpcStatus,
    /** Machine-readable reason, one the contracts declare (ErrorReason), e.g. `INSUFFICIENT_STOCK`. */
    readonly reason: R,
    message: string,
    options: AppErrorOptions<R> = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.metadata = (options.metadata ?? {}) as Record<string, string>;
    this.fieldViolations = options.fieldViolations ?? [];
    this.retryDelayMs = options.retryDelayMs;
  }
}

/** UNIMPLEMENTED `NOT_IMPLEMENTED`: a method the contracts declare that this server does not serve yet. */
export const notImplemented = (method: string) =>
  new AppError(GrpcStatus.UNIMPLEMENTED, 'NOT_IMPLEMENTED', `${method} is not implemented by this server yet.`);

export const invalidArgument = (fieldViolations: FieldViolation[], message = 'The request has invalid fields.') =>
  new AppError(GrpcStatus.INVALID_ARGUMENT, 'INVALID_ARGUMENT', message, { fieldViolations });

/** What `notFound` names, and the reason each comes with. */
const NOT_FOUND = {
  user: 'USER_NOT_FOUND',
  organization: 'ORGANIZATION_NOT_FOUND',
  'api key': 'API_KEY_NOT_FOUND',
  role: 'ROLE_NOT_FOUND',
  product: 'PRODUCT_NOT_FOUND',
  warehouse: 'WAREHOUSE_NOT_FOUND',
  reservation: 'RESERVATION_NOT_FOUND',
  supplier: 'SUPPLIER_NOT_FOUND',
  'purchase order': 'PURCHASE_ORDER_NOT_FOUND',
  shipment: 'SHIPMENT_NOT_FOUND',
  location: 'LOCATION_NOT_FOUND',
  lot: 'LOT_NOT_FOUND',
  'serial number': 'SERIAL_NUMBER_NOT_FOUND',
  'cycle count': 'CYCLE_COUNT_NOT_FOUND',
} as const satisfies Record<string, ErrorReasonName>;

export type NotFoundResource = keyof typeof NOT_FOUND;

export const notFound = (resource: NotFoundResource, message = `${resource} not found.`) =>
  new AppError(GrpcStatus.NOT_FOUND, NOT_FOUND[resource], message, { metadata: { resource } });

type UnauthenticatedReason = 'UNAUTHENTICATED' | 'MISSING_CREDENTIALS' | 'INVALID_TOKEN' | 'INVALID_CREDENTIALS';
export const unauthenticated = (
  reason: UnauthenticatedReason = 'UNAUTHENTICATED',
  message = 'Valid credentials are required.',
) => new AppError(GrpcStatus.UNAUTHENTICATED, reason, message);

export const permissionDenied = (permission: string) =>
  new AppError(GrpcStatus.PERMISSION_DENIED, 'PERMISSION_DENIED', `The caller lacks the permission ${permission}.`, {
    metadata: { permission },
  });

// The helpers below are generic in the reason, so each call is checked against what that
// reason declares; inside, the conditional metadata type cannot be resolved, hence the casts.

export const failedPrecondition = <R extends ErrorReasonName>(reason: R, message: string, metadata?: MetadataOf<R>) =>
  new AppError<R>(GrpcStatus.FAILED_PRECONDITION, reason, message, { metadata });

export const aborted = <R extends ErrorReasonName>(reason: R, message: string) =>
  new AppError<R>(GrpcStatus.ABORTED, reason, message);

export const alreadyExists = <R extends ErrorReasonName>(reason: R, message: string, metadata?: MetadataOf<R>) =>
  new AppError<R>(GrpcStatus.ALREADY_EXISTS, reason, message, { metadata });

export const unavailable = <R extends ErrorReasonName>(reason: R, message: string) =>
  new AppError<R>(GrpcStatus.UNAVAILABLE, reason, message);

/** A quota or rate limit was hit; `retryDelayMs` tells the caller when trying again can succeed. */
export const resourceExhausted = <R extends ErrorReasonName>(
  reason: R,
  message: string,
  retryDelayMs: number,
  metadata?: MetadataOf<R>,
) => new AppError<R>(GrpcStatus.RESOURCE_EXHAUSTED, reason, message, { metadata, retryDelayMs });
