import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type Config } from './config.js';
import type { PageTokenSecrets } from './page-tokens.js';

/** Where the generated secret of an embedded-database installation is kept. */
export const PAGE_TOKEN_SECRET_FILE = 'page-token-secret';

/**
 * The secrets page tokens are signed with: PAGE_TOKEN_SECRET (and PAGE_TOKEN_SECRET_PREVIOUS
 * during a rotation) when set. Without it, an installation on the embedded database uses a
 * secret generated on first start and kept in IMSOP_DATA_DIR, so tokens survive restarts.
 * With DATABASE_URL the service may run as several replicas, which must share one secret: it
 * has to be configured.
 * @throws ConfigError when DATABASE_URL is set without PAGE_TOKEN_SECRET.
 */
export async function pageTokenSecrets(config: Config): Promise<PageTokenSecrets> {
  if (config.PAGE_TOKEN_SECRET)
    return { current: config.PAGE_TOKEN_SECRET, previous: config.PAGE_TOKEN_SECRET_PREVIOUS };
  if (config.DATABASE_URL) {
    throw new ConfigError([
      'PAGE_TOKEN_SECRET is required when DATABASE_URL is set (at least 32 characters, the same on every replica; e.g. `openssl rand -base64 48`)',
    ]);
  }
  return { current: await loadOrCreateSecret(path.resolve(config.IMSOP_DATA_DIR, PAGE_TOKEN_SECRET_FILE)) };
}

async function loadOrCreateSecret(file: string): Promise<string> {
  const existing = await readSecret(file);
  if (existing !== undefined) return existing;
  await mkdir(path.dirname(file), { recursive: true });
  // Written whole under a private name, then linked into place: of two processes starting on
  // one data folder, exactly one secret wins and neither reads a half-written file.
  const secret = randomBytes(48).toString('base64url');
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, secret + '\n', { mode: 0o600 });
  try {
    await link(draft, file);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readSecret(file))!;
  } finally {
    await rm(draft, { force: true });
  }
}

async function readSecret(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < 32)
    throw new Error(
      `${file} does not hold a page token secret (at least 32 characters); delete it to generate a new one`,
    );
  return secret;
}
