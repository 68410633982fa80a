import { ImsopError } from './sdk.js';

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
export const errorInfoCount = (error: ImsopError): number => error.detailTypes.filter((t) => t === 'google.rpc.ErrorInfo').length;
