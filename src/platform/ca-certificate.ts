import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SettingError } from './setting-error.js';

/** A CA certificate (PEM, possibly a bundle) and the setting it came from, named in errors. */
export interface CaCertificate<S extends string = string> {
  pem: string;
  source: S;
}

/** Reads a CA file named by `source`; a missing file or non-certificate is a SettingError naming it. */
export function readCaFile<S extends string>(file: string, source: S): CaCertificate<S> {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SettingError(`cannot read the CA certificate ${file} (${source}): ${(error as Error).message}`, source, {
      cause: error,
    });
  }
  return checkedCa(pem, source);
}

/**
 * Checks that `text` holds a PEM certificate (the first of a bundle is parsed). Accepts `\n`
 * escapes in place of newlines, as some secret stores and .env files hand PEM over.
 */
export function checkedCa<S extends string>(text: string, source: S): CaCertificate<S> {
  const pem = text.includes('-----BEGIN') && !text.includes('\n') ? text.replaceAll('\\n', '\n') : text;
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw new SettingError(`${source} does not hold a PEM certificate (-----BEGIN CERTIFICATE----- ...)`, source, {
      cause: error,
    });
  }
  return { pem, source };
}

/** The CA of a `<NAME>_CA_PEM` / `<NAME>_CA_FILE` pair of settings, PEM first; undefined when neither is set. */
export function caFromSettings<F extends string, P extends string>(
  file: { name: F; value: string | undefined },
  pem: { name: P; value: string | undefined },
): CaCertificate<F | P> | undefined {
  if (pem.value) return checkedCa<F | P>(pem.value, pem.name);
  if (file.value) return readCaFile<F | P>(file.value, file.name);
  return undefined;
}
