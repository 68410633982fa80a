import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * What a server spent on the calls of a measured window, read off the server itself
 * (bench/server-probe.mjs, loaded into every server the bench starts): CPU time and garbage
 * collection per call. On 2 cores shared with the database and the load generators, throughput
 * ratios move with the machine that minute; the bytes promoted per call move with the code (in a
 * closed loop they can also land in one of two modes from run to run of one build: README,
 * GetProduct's tail), and the CPU per call says where a call's time went (a slower VM stretches it).
 */
export interface ServerCost {
  /** The server's CPU time (user + system) per successful call, µs. */
  cpuUsPerCall: number;
  /** Of that, the kernel's time (system calls: socket reads and writes, waking other processes). */
  systemUsPerCall: number;
  /** The server's CPU use over the window, % of one core. */
  cpuPercent: number;
  /** Bytes the young collections promoted to the old generation, per call. */
  promotedBytesPerCall: number;
  scavengesPerSecond: number;
  meanScavengeMs: number;
  /** Full (mark-sweep-compact) collections in the window, and the longest one's pause. */
  fullGcs: number;
  maxFullGcMs: number;
}

/** What the probe writes: one slice per SLICE_MS of the server's life (see server-probe.mjs). */
interface Slice {
  from: number;
  to: number;
  cpuUs: number;
  systemUs: number;
  scavenges: number;
  scavengeUs: number;
  promotedBytes: number;
  fullGcs: number;
  fullGcUs: number;
  maxFullGcUs: number;
}

const PROBE = fileURLToPath(new URL('./server-probe.mjs', import.meta.url));
let probeDir: string | undefined;

/**
 * The Node flags and environment that load the probe into a server process. Set
 * BENCH_SERVER_PROBE=off to start the servers without it.
 */
export function probeLaunch(): { execArgv: string[]; env: Record<string, string> } {
  if (process.env.BENCH_SERVER_PROBE === 'off') return { execArgv: [], env: {} };
  probeDir ??= mkdtempSync(path.join(os.tmpdir(), 'imsop-bench-probe-'));
  return { execArgv: ['--import', pathToFileURL(PROBE).href], env: { BENCH_PROBE_DIR: probeDir } };
}

/** Removes the probe's files (at the end of a run). */
export function removeProbeFiles(): void {
  if (probeDir) rmSync(probeDir, { recursive: true, force: true });
}

/** Whether process `pid` was started with the probe (its command line imports it; Linux's /proc). */
function carriesProbe(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(pathToFileURL(PROBE).href);
  } catch {
    return false; // gone, or no /proc
  }
}

/**
 * Asks the server `pid` for its slices and sums those that lie inside [from, to] (epoch ms) over
 * `calls` calls. Undefined when the server runs without the probe or does not answer in time.
 */
export async function serverCost(
  pid: number,
  from: number,
  to: number,
  calls: number,
): Promise<ServerCost | undefined> {
  // Only a process that loaded the probe is signalled: SIGUSR2's default action ends a process.
  if (!probeDir || calls <= 0 || !carriesProbe(pid)) return undefined;
  const file = path.join(probeDir, `${pid}.json`);
  rmSync(file, { force: true });
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    return undefined; // it has exited
  }
  const deadline = Date.now() + 3000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 20));
  }
  // A slice counts when most of it lies inside the window (slices are a quarter second long).
  const inside = (JSON.parse(readFileSync(file, 'utf8')) as Slice[]).filter((s) => {
    const middle = (s.from + s.to) / 2;
    return middle >= from && middle <= to;
  });
  if (inside.length === 0) return undefined;
  const sum = (pick: (s: Slice) => number) => inside.reduce((n, s) => n + pick(s), 0);
  const seconds = sum((s) => s.to - s.from) / 1000;
  const scavenges = sum((s) => s.scavenges);
  const round = (n: number, digits = 1) => Number(n.toFixed(digits));
  return {
    cpuUsPerCall: round(sum((s) => s.cpuUs) / calls),
    systemUsPerCall: round(sum((s) => s.systemUs) / calls),
    cpuPercent: round(sum((s) => s.cpuUs) / 1e4 / seconds),
    promotedBytesPerCall: Math.round(sum((s) => s.promotedBytes) / calls),
    scavengesPerSecond: round(scavenges / seconds),
    meanScavengeMs: round(sum((s) => s.scavengeUs) / 1000 / Math.max(1, scavenges), 2),
    fullGcs: sum((s) => s.fullGcs),
    maxFullGcMs: round(Math.max(0, ...inside.map((s) => s.maxFullGcUs)) / 1000),
  };
}
