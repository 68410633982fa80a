import { ClientError, Metadata, Status } from 'nice-grpc';
import type { Any } from '../gen/google/protobuf/any.js';
import { BadRequest, ErrorInfo, RetryInfo } from '../gen/google/rpc/error_details.js';
import { Status as RpcStatus } from '../gen/google/rpc/status.js';
import { ErrorReason, errorReasonFromJSON } from '../gen/imsop/api/v1/error_reason.js';
import type { ErrorMetadata, ErrorReasonName } from '../gen/imsop/api/v1/error_reason_metadata.js';

export { ErrorReason, Status };
export type { ErrorMetadata, ErrorReasonName };

/** One invalid request field, as the server reported it. */
export interface FieldViolation {
  field: string;
  description: string;
}

/** An error's metadata once its reason is known: the keys the reason declares, plus `requestId`. */
export type ErrorMetadataOf<R extends ErrorReasonName> = Readonly<ErrorMetadata[R]> & { readonly requestId?: string };

/** An ImsopError whose reason is `R`: its metadata is typed as that reason declares it. */
export type ImsopErrorWithReason<R extends ErrorReasonName> = ImsopError & {
  readonly reason: R;
  readonly metadata: ErrorMetadataOf<R>;
};

/**
 * Every failed IMSOP call surfaces as this error: the gRPC status code plus the decoded
 * `google.rpc.Status` details the server attaches (ErrorInfo reason and metadata, BadRequest
 * field violations, RetryInfo). `requestId` is the call's correlation id: it matches the server's
 * log line and its `x-request-id` metadata (it is not the `request_id` idempotency key of a request).
 *
 * Branch on `code`, then on `reason`; `hasReason` narrows the metadata to what the reason declares:
 *
 * ```ts
 * if (error instanceof ImsopError && error.hasReason('INSUFFICIENT_STOCK')) console.log(error.metadata.available);
 * ```
 */
export class ImsopError extends Error {
  constructor(
    /** gRPC status code (`Status.NOT_FOUND`, ...). */
    readonly code: Status,
    message: string,
    /**
     * The ErrorInfo reason, one the contracts declare (`ErrorReason`); `'UNRECOGNIZED'` for a
     * reason this SDK version does not know (a newer server: see `rawReason`); `undefined` for
     * failures without one (the connection, a deadline passed on the client).
     */
    readonly reason: ErrorReasonName | 'UNRECOGNIZED' | undefined,
    /** ErrorInfo metadata, e.g. `{ available: "3", requestId: "..." }`; typed by `hasReason`. */
    readonly metadata: Readonly<Record<string, string>>,
    readonly fieldViolations: readonly FieldViolation[],
    /** Full method path of the failed call. */
    readonly method: string,
    /** How long the server asks the caller to wait before retrying (RetryInfo), in ms. */
    readonly retryDelayMs?: number,
    /** Type names of the details the server attached, in order (e.g. `google.rpc.ErrorInfo`). */
    readonly detailTypes: readonly string[] = [],
    /** The reason exactly as the server sent it. */
    readonly rawReason?: string,
  ) {
    super(message);
    this.name = 'ImsopError';
  }

  get codeName(): string {
    return Status[this.code] ?? String(this.code);
  }

  /** The call's correlation id (ErrorInfo `requestId`, `x-request-id`), to find it in the server's log. */
  get requestId(): string | undefined {
    return this.metadata.requestId;
  }

  /** Whether the reason is `reason`; if so, `metadata` has the keys that reason declares. */
  hasReason<R extends ErrorReasonName>(reason: R): this is ImsopErrorWithReason<R> {
    return this.reason === reason;
  }
}

/**
 * Whether `error` is an ImsopError (with `reason`, when given), for `catch (error: unknown)`
 * blocks: `if (isImsopError(error, 'INSUFFICIENT_STOCK')) error.metadata.available`.
 */
export function isImsopError(error: unknown): error is ImsopError;
export function isImsopError<R extends ErrorReasonName>(error: unknown, reason: R): error is ImsopErrorWithReason<R>;
export function isImsopError(error: unknown, reason?: ErrorReasonName): boolean {
  return error instanceof ImsopError && (reason === undefined || error.reason === reason);
}

/** A reason from the wire, typed: a declared name, or UNRECOGNIZED. */
function reasonName(reason: string): ErrorReasonName | 'UNRECOGNIZED' | undefined {
  if (reason === '') return undefined;
  const value = errorReasonFromJSON(reason);
  return value === ErrorReason.UNRECOGNIZED || value === ErrorReason.ERROR_REASON_UNSPECIFIED
    ? 'UNRECOGNIZED'
    : (reason as ErrorReasonName);
}

/** Builds an ImsopError from a status code, message and `google.rpc.Status` details. */
function fromDetails(code: Status, message: string, details: readonly Any[], method: string): ImsopError {
  let rawReason = '';
  let metadata: Record<string, string> = {};
  const fieldViolations: FieldViolation[] = [];
  let retryDelayMs: number | undefined;
  const detailTypes: string[] = [];
  for (const detail of details) {
    const type = detail.typeUrl.slice(detail.typeUrl.lastIndexOf('/') + 1);
    detailTypes.push(type);
    if (type === 'google.rpc.ErrorInfo') {
      const info = ErrorInfo.decode(detail.value);
      rawReason = info.reason;
      metadata = info.metadata;
    } else if (type === 'google.rpc.BadRequest') {
      for (const v of BadRequest.decode(detail.value).fieldViolations)
        fieldViolations.push({ field: v.field, description: v.description });
    } else if (type === 'google.rpc.RetryInfo') {
      const delay = RetryInfo.decode(detail.value).retryDelay;
      if (delay) retryDelayMs = delay.seconds * 1000 + Math.round(delay.nanos / 1e6);
    }
  }
  return new ImsopError(
    code,
    message,
    reasonName(rawReason),
    metadata,
    fieldViolations,
    method,
    retryDelayMs,
    detailTypes,
    rawReason || undefined,
  );
}

/** Builds an ImsopError from a nice-grpc ClientError and the call's trailers. */
export function toImsopError(error: ClientError, trailer: Metadata | undefined): ImsopError {
  const raw = trailer?.get('grpc-status-details-bin');
  const details = raw instanceof Uint8Array ? RpcStatus.decode(raw).details : [];
  return fromDetails(error.code, error.details, details, error.path);
}

/** Builds an ImsopError from a `google.rpc.Status` carried in a message (e.g. a scanner ack's `error`). */
export function statusToImsopError(status: RpcStatus, method: string): ImsopError {
  return fromDetails(status.code as Status, status.message, status.details, method);
}
