import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../src/platform/config.js';
import { LIVENESS_SERVICE } from '../src/server.js';

/**
 * compose.yaml and deploy/kubernetes/ cannot run here (no container engine or cluster), so their
 * contracts are checked as data: they parse, refer to each other consistently, and give the
 * service a configuration it accepts (through the same loadConfig the server runs).
 */
type Doc = Record<string, any>;

const k8sDir = 'deploy/kubernetes';
const k8sFiles = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml'));
const k8s: Doc[] = k8sFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(k8sDir, file), 'utf8')).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return doc.toJS() as Doc;
  }),
);
const object = (kind: string, name?: string): Doc => {
  const found = k8s.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0]!;
};
const configMap = object('ConfigMap', 'imsop-config');
const secrets = object('Secret', 'imsop-secrets');
const adminSecret = object('Secret', 'imsop-database-admin');
const deployment = object('Deployment');
const job = object('Job');

/** The environment `container` sees: envFrom in order, then env (which wins). */
function containerEnv(container: Doc): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const from = source.configMapRef
      ? object('ConfigMap', source.configMapRef.name).data
      : object('Secret', source.secretRef.name).stringData;
    Object.assign(env, from);
  }
  for (const entry of container.env ?? []) {
    env[entry.name] =
      entry.value ?? object('Secret', entry.valueFrom.secretKeyRef.name).stringData[entry.valueFrom.secretKeyRef.key];
  }
  return env;
}

describe('Kubernetes manifests', () => {
  it('kustomization lists every long-lived object; the migrate Job stays out to run before each rollout', () => {
    const kustomization = parse(readFileSync(path.join(k8sDir, 'kustomization.yaml'), 'utf8')) as Doc;
    expect([...kustomization.resources].sort()).toEqual(
      k8sFiles.filter((f) => f !== 'kustomization.yaml' && f !== 'migrate-job.yaml').sort(),
    );
    expect(job.spec.template.spec.containers[0].args).toEqual(['migrate']);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('the service serves on every interface with the admin password out of reach; the Job gets the admin URL', () => {
    const server = deployment.spec.template.spec.containers[0];
    expect(server.args).toEqual(['serve']);
    const env = containerEnv(server);
    const config = loadConfig(env);
    expect(config.IMSOP_HOST).toBe('0.0.0.0');
    expect(config.METRICS_HOST).toBe('0.0.0.0');
    expect(config.MIGRATE_ON_START).toBe(false);
    expect(new URL(config.DATABASE_URL!).password).toBe('');
    // Replicas must share one page-token secret, or the server refuses to start.
    expect(config.PAGE_TOKEN_SECRET).toBe(secrets.stringData.PAGE_TOKEN_SECRET);

    const migrateConfig = loadConfig(containerEnv(job.spec.template.spec.containers[0]));
    expect(migrateConfig.DATABASE_URL).toBe(adminSecret.stringData.DATABASE_URL);
    expect(new URL(migrateConfig.DATABASE_URL!).password).not.toBe('');
    expect(migrateConfig.DATABASE_APP_PASSWORD).toBe(secrets.stringData.DATABASE_APP_PASSWORD);
    expect(configMap.data.METRICS_HOST).toBe('0.0.0.0');
  });

  it('probes are native gRPC health checks on the port the service listens on, and shutdown fits the grace period', () => {
    const pod = deployment.spec.template.spec;
    const server = pod.containers[0];
    const config = loadConfig(containerEnv(server));
    const grpcPort = server.ports.find((p: Doc) => p.name === 'grpc').containerPort;
    expect(grpcPort).toBe(config.IMSOP_PORT);
    expect(server.ports.find((p: Doc) => p.name === 'metrics').containerPort).toBe(config.METRICS_PORT);
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'])
      expect(server[probe].grpc.port, probe).toBe(grpcPort);
    // Readiness follows the database (""); liveness only the process, so an outage never restarts pods.
    expect(server.readinessProbe.grpc.service ?? '').toBe('');
    expect(server.livenessProbe.grpc.service).toBe(LIVENESS_SERVICE);
    const preStopSeconds = Number(server.lifecycle.preStop.exec.command[1]);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(config.SHUTDOWN_GRACE_MS + preStopSeconds * 1000);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  it('Service and PodDisruptionBudget select the Deployment pods; the budget leaves a rollout room', () => {
    const podLabels = deployment.spec.template.metadata.labels;
    const service = object('Service');
    const pdb = object('PodDisruptionBudget');
    for (const selector of [
      service.spec.selector,
      pdb.spec.selector.matchLabels,
      deployment.spec.selector.matchLabels,
    ]) {
      expect(podLabels).toMatchObject(selector);
    }
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    expect(service.spec.ports.map((p: Doc) => p.targetPort).sort()).toEqual(['grpc', 'metrics']);
  });
});

describe('compose.yaml', () => {
  const compose = parse(readFileSync('compose.yaml', 'utf8'), { merge: true }) as Doc;
  /** Compose's ${VAR:-default} with nothing set: the default. */
  const interpolate = (env: Record<string, string>) =>
    Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]));

  it('runs PostgreSQL, Redis, a one-shot migrate and the server after it, from the Dockerfile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['imsop', 'migrate', 'postgres', 'redis']);
    const { imsop, migrate } = compose.services;
    expect(migrate.command).toEqual(['migrate']);
    expect(migrate.depends_on.postgres.condition).toBe('service_healthy');
    expect(imsop.depends_on.migrate.condition).toBe('service_completed_successfully');
    for (const service of [imsop, migrate]) {
      expect(service.build).toBe('.');
      expect(existsSync('Dockerfile')).toBe(true);
    }
  });

  it('gives migrate the admin URL and the server a configuration it accepts, without the admin password', () => {
    const { imsop, migrate } = compose.services;
    const migrateConfig = loadConfig(interpolate(migrate.environment));
    expect(new URL(migrateConfig.DATABASE_URL!).password).not.toBe('');
    const serverConfig = loadConfig(interpolate(imsop.environment));
    expect(new URL(serverConfig.DATABASE_URL!).password).toBe('');
    expect(new URL(serverConfig.DATABASE_URL!).host).toBe(new URL(migrateConfig.DATABASE_URL!).host);
    expect(serverConfig.DATABASE_APP_PASSWORD).toBe(migrateConfig.DATABASE_APP_PASSWORD);
    expect(serverConfig.MIGRATE_ON_START).toBe(false);
    expect(serverConfig.PAGE_TOKEN_SECRET).toBeDefined();
    expect(serverConfig.REDIS_URL).toBe('redis://redis:6379');
    // Listen addresses and ports come from the image (Dockerfile ENV).
    const imageEnv = Object.fromEntries(
      [
        ...readFileSync('Dockerfile', 'utf8')
          .replace(/\\\n/g, ' ')
          .matchAll(/\b([A-Z_]+)=(\S+)/g),
      ].map((m) => [m[1]!, m[2]!]),
    );
    const image = loadConfig({ ...imageEnv, ...interpolate(imsop.environment) });
    expect(image.IMSOP_HOST).toBe('0.0.0.0');
    expect(image.METRICS_HOST).toBe('0.0.0.0');
    expect(imsop.ports).toEqual([
      `${image.IMSOP_PORT}:${image.IMSOP_PORT}`,
      `${image.METRICS_PORT}:${image.METRICS_PORT}`,
    ]);
  });
});
