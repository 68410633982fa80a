/** The analytics domain's public face: its services and background work for the server. */
export { analyticsBackgroundTasks, analyticsServices } from './module.js';
