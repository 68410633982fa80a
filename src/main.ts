import { ConfigError, loadConfig } from './config.js';
import { serve } from './serve.js';

// `npm start`: validate configuration, then serve until SIGTERM/SIGINT.
try {
  await serve(loadConfig());
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(error.message + '\n');
    process.exit(2);
  }
  process.stderr.write(`imsop failed to start: ${(error as Error).message ?? error}\n`);
  process.exit(1);
}
