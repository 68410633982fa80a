/** The identity domain's public face: its services for the server. */
export { identityServices } from './module.js';
