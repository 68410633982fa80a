import { Metadata, type CallOptions, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { BadRequest, ErrorInfo, RetryInfo } from '../../gen/ts/google/rpc/error_details.js';
import { Status } from '../../gen/ts/google/rpc/status.js';

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/** Calls a generated grpc-js unary method and resolves with its response (rejects with the ServiceError). */
export function unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, metadata = new Metadata(), options: Partial<CallOptions> = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, metadata, options, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

export function bearer(token: string): Metadata {
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

/** What a client sees of a failed call: code, message, and the decoded google.rpc.Status details. */
export interface DecodedError {
  code: number;
  message: string;
  reason?: string;
  metadata: Record<string, string>;
  fieldViolations: { field: string; description: string }[];
  errorInfoCount: number;
  /** From a google.rpc.RetryInfo detail, when the server sent one. */
  retryDelayMs?: number;
}

export function decodeError(error: unknown): DecodedError {
  const e = error as ServiceError;
  const raw = e.metadata?.get('grpc-status-details-bin')[0];
  const decoded: DecodedError = { code: e.code, message: e.details, metadata: {}, fieldViolations: [], errorInfoCount: 0 };
  if (!raw) return decoded;
  const status = Status.decode(raw as Buffer);
  for (const any of status.details) {
    if (any.typeUrl.endsWith('/google.rpc.ErrorInfo')) {
      const info = ErrorInfo.decode(any.value);
      decoded.errorInfoCount++;
      decoded.reason = info.reason;
      decoded.metadata = info.metadata;
    } else if (any.typeUrl.endsWith('/google.rpc.RetryInfo')) {
      const delay = RetryInfo.decode(any.value).retryDelay;
      decoded.retryDelayMs = (delay?.seconds ?? 0) * 1000 + Math.round((delay?.nanos ?? 0) / 1e6);
    } else if (any.typeUrl.endsWith('/google.rpc.BadRequest')) {
      decoded.fieldViolations.push(...BadRequest.decode(any.value).fieldViolations.map((v) => ({ field: v.field, description: v.description })));
    }
  }
  return decoded;
}

/** Awaits a call expected to fail and returns its decoded error; fails the test if it succeeds. */
export async function expectError(promise: Promise<unknown>): Promise<DecodedError> {
  try {
    await promise;
  } catch (error) {
    return decodeError(error);
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A request with any fields left out, as clients send them (ts-proto's `fromPartial` fills the rest). */
export type DeepPartial<T> = T extends Date | Uint8Array | string | number | boolean | undefined
  ? T
  : T extends Array<infer U>
    ? Array<DeepPartial<U>>
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;
