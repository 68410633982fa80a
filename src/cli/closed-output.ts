/**
 * `imsop … | head -1`: once the reader has gone, a write to stdout fails with EPIPE, which Node
 * raises as an unhandled 'error' event (a stack trace, exit code 1). Output nobody reads is not
 * an error: it is dropped and the command finishes as usual (so an embedded database it started
 * still stops cleanly). Any other stream error stays fatal.
 */
export function dropOutputWhenReaderCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
