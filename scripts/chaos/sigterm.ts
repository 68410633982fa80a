import { Report } from './support.js';
export async function sigtermUnderLoad(_o: { rounds: number; loadMs: number }): Promise<Report> {
  return new Report('sigterm');
}
