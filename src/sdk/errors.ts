import { Metadata, ClientError, Status } from 'nice-grpc';
import { BadRequest, ErrorInfo, RetryInfo } from '../../gen/ts/google/rpc/error_details.js';
import { Status as RpcStatus } from '../../gen/ts/google/rpc/status.js';

export { Status };

/** One invalid request field, as the server reported it. */
export interface FieldViolation {
  field: string;
  description: string;
}

/**
 * Every failed IMSOP call surfaces as this error: the gRPC status code plus the decoded
 * `google.rpc.Status` details the server attaches (ErrorInfo reason and metadata, BadRequest
 * field violations, RetryInfo). `requestId` is the call's correlation id: it matches the server's
 * log line and its `x-request-id` metadata (it is not the `request_id` idempotency key of a request).
 */
export class ImsopError extends Error {
  constructor(
    /** gRPC status code (`Status.NOT_FOUND`, ...). */
    readonly code: Status,
    message: string,
    /** UPPER_SNAKE reason from ErrorInfo, e.g. `INSUFFICIENT_STOCK`; `undefined` for transport errors. */
    readonly reason: string | undefined,
    /** ErrorInfo metadata, e.g. `{ available: "3", requestId: "..." }`. */
    readonly metadata: Readonly<Record<string, string>>,
    readonly fieldViolations: readonly FieldViolation[],
    /** Full method path of the failed call. */
    readonly method: string,
    /** How long the server asks the caller to wait before retrying (RetryInfo), in ms. */
    readonly retryDelayMs?: number,
    /** Type names of the details the server attached, in order (e.g. `google.rpc.ErrorInfo`). */
    readonly detailTypes: readonly string[] = [],
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
}

/** Builds an ImsopError from a nice-grpc ClientError and the call's trailers. */
export function toImsopError(error: ClientError, trailer: Metadata | undefined): ImsopError {
  let reason: string | undefined;
  let metadata: Record<string, string> = {};
  const fieldViolations: FieldViolation[] = [];
  let retryDelayMs: number | undefined;
  const detailTypes: string[] = [];
  const raw = trailer?.get('grpc-status-details-bin');
  if (raw instanceof Uint8Array) {
    for (const detail of RpcStatus.decode(raw).details) {
      const type = detail.typeUrl.slice(detail.typeUrl.lastIndexOf('/') + 1);
      detailTypes.push(type);
      if (type === 'google.rpc.ErrorInfo') {
        const info = ErrorInfo.decode(detail.value);
        reason = info.reason;
        metadata = info.metadata;
      } else if (type === 'google.rpc.BadRequest') {
        for (const v of BadRequest.decode(detail.value).fieldViolations) fieldViolations.push({ field: v.field, description: v.description });
      } else if (type === 'google.rpc.RetryInfo') {
        const delay = RetryInfo.decode(detail.value).retryDelay;
        if (delay) retryDelayMs = delay.seconds * 1000 + Math.round(delay.nanos / 1e6);
      }
    }
  }
  return new ImsopError(error.code, error.details, reason, metadata, fieldViolations, error.path, retryDelayMs, detailTypes);
}
