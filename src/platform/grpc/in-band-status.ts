import { Status } from '../../../gen/ts/google/rpc/status.js';
import { toGrpcError } from './status.js';

/**
 * The google.rpc.Status that a call failing with `thrown` would end with, for errors answered
 * inside a stream that stays open (a scanner's rejected update). It goes through the same one
 * boundary as a failing call, so code, message and details (ErrorInfo with the request id,
 * BadRequest, RetryInfo) are exactly what a unary call would carry. `unexpected` means the
 * cause must be logged (the status says only INTERNAL and the request id).
 */
export function inBandStatus(thrown: unknown, requestId: string): { status: Status; unexpected: boolean } {
  const mapped = toGrpcError(thrown, requestId);
  const raw = mapped.error.metadata.get('grpc-status-details-bin')[0];
  const status =
    raw instanceof Buffer
      ? Status.decode(raw)
      : { code: mapped.error.code, message: mapped.error.details, details: [] };
  return { status, unexpected: mapped.unexpected };
}
