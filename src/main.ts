import { ConfigError, loadConfig } from './platform/config.js';
import { debugDetail, failureMessage } from './platform/failure-report.js';
import { serveConfigured } from './cluster.js';

// `npm start`: validate configuration, then serve until SIGTERM/SIGINT.
try {
  await serveConfigured(loadConfig());
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(error.message + '\n');
    process.exit(2);
  }
  const debug = debugDetail(error);
  if (debug) process.stderr.write(debug + '\n');
  process.stderr.write(`imsop failed to start: ${failureMessage(error)}\n`);
  process.exit(1);
}
