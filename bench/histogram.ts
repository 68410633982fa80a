import * as hdr from 'hdr-histogram-js';

/** Latency histograms (microseconds, 1 µs .. 60 s, 3 significant digits) that cross process boundaries. */
export function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
}

export function encodeHistogram(h: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function mergeHistograms(encoded: string[]): hdr.Histogram {
  const total = newHistogram();
  for (const e of encoded) total.add(hdr.decodeFromCompressedBase64(e));
  return total;
}

export interface Latencies {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function latencies(h: hdr.Histogram): Latencies {
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    p50Ms: ms(h.getValueAtPercentile(50)),
    p90Ms: ms(h.getValueAtPercentile(90)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    maxMs: ms(h.maxValue),
  };
}
