// Loaded into a bench server with `--import` (plain JavaScript: the server runs the compiled
// build under plain node, without tsx). It records, in slices of SLICE_MS, the process's CPU time
// and its garbage collections (v8.GCProfiler), and on SIGUSR2 writes the slices to
// $BENCH_PROBE_DIR/<pid>.json. The bench keeps the slices inside a measured window, as it keeps
// RSS samples, so what a server spends per call is read off the server itself and does not
// depend on how fast the load generators sharing its cores were that minute.
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GCProfiler } from 'node:v8';

const SLICE_MS = 250;
/** Slices kept: the last 10 minutes (a scenario's windows are seconds long). */
const KEPT = 2400;

const dir = process.env.BENCH_PROBE_DIR;
if (dir) {
  const slices = [];
  let profiler = new GCProfiler();
  profiler.start();
  let from = Date.now();
  let cpu = process.cpuUsage();

  const cut = () => {
    const { statistics } = profiler.stop();
    profiler = new GCProfiler();
    profiler.start();
    const to = Date.now();
    const cpuNow = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    slices.push({ from, to, cpuUs: cpuNow.user + cpuNow.system, systemUs: cpuNow.system, ...collections(statistics) });
    if (slices.length > KEPT) slices.shift();
    from = to;
  };
  setInterval(cut, SLICE_MS).unref();
  process.on('SIGUSR2', () => {
    cut();
    const file = path.join(dir, `${process.pid}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(slices));
    renameSync(`${file}.tmp`, file); // the reader never sees half a file
  });
}

/**
 * One slice's collections: young (scavenges) and full (mark-sweep-compact) counts and pause
 * times in µs, and the bytes the scavenges promoted into the old generation (what outlived the
 * young collections: per call, what a call leaves for the next full collection to sweep).
 */
function collections(statistics) {
  const slice = { scavenges: 0, scavengeUs: 0, promotedBytes: 0, fullGcs: 0, fullGcUs: 0, maxFullGcUs: 0 };
  for (const gc of statistics) {
    if (gc.gcType === 'Scavenge') {
      slice.scavenges++;
      slice.scavengeUs += gc.cost;
      slice.promotedBytes += Math.max(0, oldSpaceUsed(gc.afterGC) - oldSpaceUsed(gc.beforeGC));
    } else if (gc.gcType === 'MarkSweepCompact') {
      slice.fullGcs++;
      slice.fullGcUs += gc.cost;
      slice.maxFullGcUs = Math.max(slice.maxFullGcUs, gc.cost);
    }
  }
  return slice;
}

const oldSpaceUsed = (heap) => heap.heapSpaceStatistics.find((s) => s.spaceName === 'old_space')?.spaceUsedSize ?? 0;
