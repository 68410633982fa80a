import type { ServiceError } from '@grpc/grpc-js';
import { Status as RpcStatus } from '../../gen/ts/google/rpc/status.js';
import { ImsopError, statusToImsopError } from './sdk.js';

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
 * A `google.rpc.Status` the SDK does not see as an ImsopError itself, read by the SDK's own
 * decoder: one answered in-band (a tracking ack's `error`), or the status of a call made on raw
 * grpc-js on purpose (malformed bytes, raw streams, grpcurl-style JSON calls).
 */
export function statusError(status: RpcStatus, method = ''): ImsopError {
  return statusToImsopError(status, method);
}

/** A raw grpc-js call's failure (its code, message and `grpc-status-details-bin` trailer) as an ImsopError. */
export function serviceError(error: unknown): ImsopError {
  const e = error as ServiceError;
  if (typeof e?.code !== 'number') throw error;
  const raw = e.metadata?.get('grpc-status-details-bin')[0];
  const details = raw instanceof Buffer ? RpcStatus.decode(raw).details : [];
  return statusError({ code: e.code, message: e.details, details });
}
