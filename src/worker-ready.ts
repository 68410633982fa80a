/** What a worker process (src/cluster.ts) sends the primary once it listens and is SERVING. */
export const WORKER_READY = 'imsop-worker-ready';
