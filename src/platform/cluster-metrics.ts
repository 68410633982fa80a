import { AggregatorRegistry } from 'prom-client';
import { serveMetrics, type MetricsEndpoint } from './metrics.js';

/**
 * The primary of IMSOP_WORKERS > 1: serves GET /metrics as one target, each sample summed over
 * the live workers (counters and histograms add up; prom-client picks the right aggregation
 * for its process metrics, e.g. the version info is taken once). Each scrape asks every worker
 * over the cluster IPC channel (Metrics.answerClusterPrimary); a worker that does not answer
 * within prom-client's 5 s makes the scrape fail (500) rather than report a silent undercount.
 */
export function serveClusterMetrics(host: string, port: number): Promise<MetricsEndpoint> {
  const aggregator = new AggregatorRegistry();
  return serveMetrics(host, port, aggregator.contentType, () => aggregator.clusterMetrics());
}
