import type { ServiceError } from '@grpc/grpc-js';
import { BadRequest, ErrorInfo, RetryInfo } from '../../gen/ts/google/rpc/error_details.js';
import { Status as RpcStatus } from '../../gen/ts/google/rpc/status.js';
import { ImsopError, type ErrorReasonName, type FieldViolation } from './sdk.js';

/** Awaits a call expected to fail and returns the SDK's ImsopError; fails the test if it succeeds. */
export async function expectError(promise: Promise<unknown>): Promise<ImsopError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImsopError) return error;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** How many google.rpc.ErrorInfo details the server attached (a well-formed error has exactly one). */
export const errorInfoCount = (error: ImsopError): number =>
  error.detailTypes.filter((t) => t === 'google.rpc.ErrorInfo').length;

/**
 * A `google.rpc.Status` the SDK does not see as an ImsopError itself, read the way the SDK reads
 * a failed call's details: one answered in-band (a tracking ack's `error`), or the status of a
 * call made on raw grpc-js on purpose (malformed bytes, raw streams, grpcurl-style JSON calls).
 */
export function statusError(status: RpcStatus, method = ''): ImsopError {
  let reason: string | undefined;
  let metadata: Record<string, string> = {};
  const fieldViolations: FieldViolation[] = [];
  let retryDelayMs: number | undefined;
  const detailTypes: string[] = [];
  for (const detail of status.details) {
    const type = detail.typeUrl.slice(detail.typeUrl.lastIndexOf('/') + 1);
    detailTypes.push(type);
    if (type === 'google.rpc.ErrorInfo') {
      const info = ErrorInfo.decode(detail.value);
      reason = info.reason;
      metadata = info.metadata;
    } else if (type === 'google.rpc.BadRequest') {
      for (const v of BadRequest.decode(detail.value).fieldViolations)
        fieldViolations.push({ field: v.field, description: v.description });
    } else if (type === 'google.rpc.RetryInfo') {
      const delay = RetryInfo.decode(detail.value).retryDelay;
      if (delay) retryDelayMs = delay.seconds * 1000 + Math.round(delay.nanos / 1e6);
    }
  }
  // The reason as sent; the tests compare it with the names the contracts declare.
  return new ImsopError(
    status.code,
    status.message,
    reason as ErrorReasonName | undefined,
    metadata,
    fieldViolations,
    method,
    retryDelayMs,
    detailTypes,
    reason,
  );
}

/** A raw grpc-js call's failure (its code, message and `grpc-status-details-bin` trailer) as an ImsopError. */
export function serviceError(error: unknown): ImsopError {
  const e = error as ServiceError;
  if (typeof e?.code !== 'number') throw error;
  const raw = e.metadata?.get('grpc-status-details-bin')[0];
  const details = raw instanceof Buffer ? RpcStatus.decode(raw).details : [];
  return statusError({ code: e.code, message: e.details, details });
}
