import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Files made by makeTestCertificates, all PEM, in the folder given. */
export interface TestCertificates {
  /** The CA that signed the server certificate. */
  ca: string;
  /** A CA that signed nothing here (for "wrong CA" cases). */
  wrongCa: string;
  /** Server certificate for 127.0.0.1 and localhost, and its key. */
  serverCert: string;
  serverKey: string;
}

/** A private CA, a server certificate it signed for 127.0.0.1/localhost, and an unrelated CA (openssl CLI, EC keys: fast). */
export function makeTestCertificates(dir: string): TestCertificates {
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=IMSOP test CA',
    ...caExt,
  ]);
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'wrong-ca.key',
    '-out',
    'wrong-ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Somebody else',
    ...caExt,
  ]);
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  ]);
  return {
    ca: path.join(dir, 'ca.pem'),
    wrongCa: path.join(dir, 'wrong-ca.pem'),
    serverCert: path.join(dir, 'server.crt'),
    serverKey: path.join(dir, 'server.key'),
  };
}
