import { Report } from './support.js';
export async function redisOutage(_o: { cycles: number; outageMs: number }): Promise<Report> {
  return new Report('redis-outage');
}
