import { createImsopClient, type ImsopClient } from '@imsop/sdk';

/**
 * How the examples sign in: IMSOP_ADDRESS (default the `npm start` address) and the demo tenant's
 * credentials unless IMSOP_ORGANIZATION / IMSOP_EMAIL / IMSOP_PASSWORD say otherwise.
 */
export async function connect(): Promise<ImsopClient> {
  const imsop = createImsopClient({ address: process.env.IMSOP_ADDRESS ?? '127.0.0.1:50051' });
  const { accessToken } = await imsop.auth.login({
    organization: process.env.IMSOP_ORGANIZATION ?? 'demo',
    email: process.env.IMSOP_EMAIL ?? 'admin@demo.example',
    password: process.env.IMSOP_PASSWORD ?? 'demo-password-1',
  });
  imsop.setCredential(accessToken);
  return imsop;
}
