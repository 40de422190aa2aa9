import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  byKind,
  kubeconform,
  kustomizeBuild,
  named,
  parseManifests,
  selects,
  type K8sObject,
  type KubeconformResult,
} from './lib/manifests';
import { ensureTools, INSTALL_TIMEOUT_MS, type ToolEnv } from './lib/tools';
import {
  ALL_TOPICS,
  CONSUMERS,
  fromRoot,
  GATEWAY,
  INGEST,
  readEnvExample,
  readRootFile,
  SERVICES,
} from './lib/workspace';
import {
  alertRules,
  committedSecretProblems,
  lagScalingProblems,
  managementPort,
  probeAndScrapeProblems,
  publicBackends,
  publicRouteProblems,
  runbookProblems,
  scrapePolicyProblems,
} from './lib/platform-rules';
import { promtoolTest } from './lib/promtool';

/* eslint-disable @typescript-eslint/no-explicit-any */

const OVERLAYS = ['dev', 'prod'] as const;
type Overlay = (typeof OVERLAYS)[number];

interface Rendering {
  yaml: string;
  objects: K8sObject[];
}

const HPA_SERVICES = [GATEWAY, ...CONSUMERS];
const SECRET_KEYS: Record<string, string[]> = {
  'datalake-backends': ['MONGO_URI', 'KAFKA_BOOTSTRAP_SERVERS'],
  'datalake-auth': ['JWT_SECRET', 'ADMIN_PASSWORD'],
  'datalake-internal': ['INTERNAL_TOKEN_SECRET'],
};
/** Optional keys of the platform's datalake-backends Secret (SASL brokers); absent in dev. */
const OPTIONAL_SECRET_KEYS = ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'];
/** The custom resources of the components; kubeconform has no offline schema for them. */
const CRD_KINDS = ['ServiceMonitor', 'PrometheusRule', 'HTTPRoute', 'ScaledObject'];
const WITH_COMPONENTS = 'prod+monitoring+gateway-api';
const WITH_KEDA = 'prod+monitoring+keda-lag-scaling';
const ALERT_TESTS = 'k8s/components/monitoring/tests/alerts.test.yaml';

let tools: ToolEnv;
const renderings = new Map<string, Rendering>();

function render(label: string, dir: string): Rendering {
  const yaml = kustomizeBuild(tools, dir);
  const rendering = { yaml, objects: parseManifests(yaml) };
  renderings.set(label, rendering);
  return rendering;
}

/** Renders the prod overlay plus optional components (relative paths only). */
function renderWithComponents(label: string, components: string[]): Rendering {
  const dir = mkdtempSync(join(tmpdir(), 'datalake-kustomize-'));
  try {
    const rel = (path: string) => relative(dir, fromRoot(path));
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: datalake',
        'resources:',
        `  - ${rel('k8s/overlays/prod')}`,
        'components:',
        ...components.map((component) => `  - ${rel(`k8s/components/${component}`)}`),
        '',
      ].join('\n'),
    );
    return render(label, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function configMapData(objects: K8sObject[]): Record<string, string> {
  const maps = byKind(objects, 'ConfigMap').filter((cm) => cm.metadata.name.startsWith('datalake-config'));
  expect(maps).toHaveLength(1);
  return maps[0].data ?? {};
}

function podLabels(deployment: K8sObject): Record<string, string> {
  return deployment.spec.template.metadata.labels ?? {};
}

function container(deployment: K8sObject): any {
  const containers = deployment.spec.template.spec.containers as any[];
  expect(containers).toHaveLength(1);
  return containers[0];
}

/** The ingress rules of every NetworkPolicy that selects the pod, with the policy's name. */
function ingressRulesFor(objects: K8sObject[], labels: Record<string, string>): { policy: string; rule: any }[] {
  return byKind(objects, 'NetworkPolicy')
    .filter((np) => selects(np.spec.podSelector, labels) || Object.keys(np.spec.podSelector ?? {}).length === 0)
    .filter((np) => (np.spec.policyTypes ?? ['Ingress']).includes('Ingress'))
    .flatMap((np) =>
      ((np.spec.ingress ?? []) as any[]).map((rule) => ({
        policy: np.metadata.name,
        rule,
      })),
    );
}

function portNames(rule: any): string[] {
  return ((rule.ports ?? []) as any[]).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`);
}

beforeAll(() => {
  tools = ensureTools('kustomize', 'kubeconform', 'schemas');
  render('base', fromRoot('k8s/base'));
  for (const overlay of OVERLAYS) render(overlay, fromRoot('k8s/overlays', overlay));
  renderWithComponents('prod+metrics-scrape', ['metrics-scrape']);
  renderWithComponents(WITH_COMPONENTS, ['monitoring', 'gateway-api']);
  renderWithComponents(WITH_KEDA, ['monitoring', 'keda-lag-scaling']);
}, INSTALL_TIMEOUT_MS);

/** Node's own settings (not the services'): in the ConfigMap though not in .env.example. */
const NODE_RUNTIME_VARIABLES = ['NODE_OPTIONS'];
describe('kubeconform (offline JSON schemas)', () => {
  const LABELS = ['base', ...OVERLAYS, 'prod+metrics-scrape', WITH_COMPONENTS, WITH_KEDA];
  let result: KubeconformResult;
  beforeAll(() => {
    result = kubeconform(
      tools,
      Object.fromEntries(LABELS.map((label) => [label, (renderings.get(label) as Rendering).yaml])),
      CRD_KINDS,
    );
  });

  it('exits 0', () => {
    expect({
      status: result.status,
      output: result.status === 0 ? '' : result.raw,
    }).toEqual({
      status: 0,
      output: '',
    });
  });

  it.each(LABELS)('%s renders to manifests valid for Kubernetes', (label) => {
    const resources = result.resources.get(label) ?? [];
    const problems = resources
      .filter((r) => r.status !== 'statusValid' && !(r.status === 'statusSkipped' && CRD_KINDS.includes(r.kind)))
      .map((r) => `${r.kind}/${r.name}: ${r.status} ${r.msg}`);
    expect(problems).toEqual([]);
    // Every rendered object was validated: none skipped for want of a schema, except the custom
    // resources of the components (checked below).
    const skipped = resources.filter((r) => r.status === 'statusSkipped').map((r) => r.kind);
    expect(skipped.filter((kind) => !CRD_KINDS.includes(kind))).toEqual([]);
    expect(resources).toHaveLength((renderings.get(label) as Rendering).objects.length);
    expect(resources.length).toBeGreaterThan(20);
  });
});

describe.each(OVERLAYS)('overlay %s', (overlay: Overlay) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = (renderings.get(overlay) as Rendering).objects;
  });

  it('puts everything in one namespace', () => {
    const namespace = overlay === 'dev' ? 'datalake-dev' : 'datalake';
    expect(named(objects, 'Namespace', namespace)).toBeDefined();
    const elsewhere = objects
      .filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== namespace)
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(elsewhere).toEqual([]);
  });

  it('has a Deployment and a ClusterIP Service per service', () => {
    const deployments = byKind(objects, 'Deployment')
      .map((d) => d.metadata.name)
      .sort();
    expect(deployments).toEqual(SERVICES.map((s) => s.app).sort());
    for (const { app, port } of SERVICES) {
      const service = named(objects, 'Service', app);
      expect(service.spec.type ?? 'ClusterIP').toBe('ClusterIP');
      expect(service.spec.ports).toEqual([
        expect.objectContaining({ name: 'http', port, targetPort: 'http' }),
        expect.objectContaining({
          name: 'management',
          port: managementPort(named(objects, 'Deployment', app)),
          targetPort: 'management',
        }),
      ]);
      expect(selects({ matchLabels: service.spec.selector }, podLabels(named(objects, 'Deployment', app)))).toBe(true);
    }
  });

  it.each(SERVICES.map((s) => [s.app, s.portVar, s.port, s.managementVar, s.managementPort] as const))(
    'Deployment %s: probes, resources, security context, writable /tmp, config from ConfigMap and Secret',
    (app, portVar, port, managementVar, management) => {
      const deployment = named(objects, 'Deployment', app);
      const pod = deployment.spec.template.spec;
      const c = container(deployment);
      const config = configMapData(objects);

      // The container listens where the service's port variable says.
      expect(config[portVar]).toBe(String(port));
      expect(c.ports).toContainEqual(expect.objectContaining({ name: 'http', containerPort: port }));
      // ... and its management port (/metrics, /health/*) where the management variable says.
      expect(config[managementVar]).toBe(String(management));
      expect(c.ports).toContainEqual(expect.objectContaining({ name: 'management', containerPort: management }));

      expect(c.readinessProbe?.httpGet).toEqual({
        path: '/health/ready',
        port: 'management',
      });
      expect(c.livenessProbe?.httpGet).toEqual({
        path: '/health/live',
        port: 'management',
      });
      expect(deployment.spec.template.metadata.annotations).toEqual({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(management),
        'prometheus.io/path': '/metrics',
      });

      for (const kind of ['requests', 'limits']) {
        expect({
          kind,
          cpu: Boolean(c.resources?.[kind]?.cpu),
          memory: Boolean(c.resources?.[kind]?.memory),
        }).toEqual({
          kind,
          cpu: true,
          memory: true,
        });
      }

      expect(pod.securityContext?.runAsNonRoot ?? c.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.securityContext?.runAsUser ?? c.securityContext?.runAsUser).not.toBe(0);
      expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(c.securityContext?.capabilities?.drop).toContain('ALL');
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(45);

      const volumes = new Map<string, any>((pod.volumes ?? []).map((v: any) => [v.name, v]));
      const mountAt = (path: string) => (c.volumeMounts ?? []).find((m: any) => m.mountPath === path);
      const tmp = mountAt('/tmp');
      expect(tmp && volumes.get(tmp.name)?.emptyDir).toBeDefined();
      if (app === INGEST) {
        const inbox = mountAt(config['INGEST_DIR']);
        expect(inbox && volumes.get(inbox.name)?.emptyDir).toBeDefined();
        expect(c.ports).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              containerPort: Number(config['SYSLOG_PORT']),
              protocol: 'UDP',
            }),
            expect.objectContaining({
              containerPort: Number(config['SYSLOG_PORT']),
              protocol: 'TCP',
            }),
          ]),
        );
      }

      const envFrom = (c.envFrom ?? []) as any[];
      const configMapName = byKind(objects, 'ConfigMap').find((cm) => cm.metadata.name.startsWith('datalake-config'))
        ?.metadata.name;
      expect(envFrom.map((e) => e.configMapRef?.name).filter(Boolean)).toEqual([configMapName]);
      expect(envFrom.some((e) => e.secretRef?.name?.startsWith('datalake-backends'))).toBe(true);
      if (app === GATEWAY || app === 'auth-service') {
        const jwt = (c.env ?? []).find((e: any) => e.name === 'JWT_SECRET');
        expect(jwt?.valueFrom?.secretKeyRef?.name).toMatch(/^datalake-auth/);
      }
      // Every service signs (gateway) or verifies internal tokens.
      const internal = (c.env ?? []).find((e: any) => e.name === 'INTERNAL_TOKEN_SECRET');
      expect(internal?.valueFrom?.secretKeyRef).toEqual({
        name: expect.stringMatching(/^datalake-internal/),
        key: 'INTERNAL_TOKEN_SECRET',
      });
      // The Kafka CA, when the platform provides one, at the path KAFKA_SSL_CA_FILE names.
      const ca = (c.volumeMounts ?? []).find((m: any) => m.name === 'kafka-ca');
      expect(ca).toEqual({ name: 'kafka-ca', mountPath: '/etc/datalake/kafka-ca', readOnly: true });
      expect(volumes.get('kafka-ca')?.secret).toEqual({ secretName: 'datalake-kafka-ca', optional: true });
    },
  );

  it('provides every variable of .env.example, under exactly those names', () => {
    const known = readEnvExample();
    const config = configMapData(objects);
    const provided = new Set([...Object.keys(config), ...Object.values(SECRET_KEYS).flat(), ...OPTIONAL_SECRET_KEYS]);
    // A variable added to .env.example must be added to the ConfigMap (k8s/base/kustomization.yaml).
    expect({
      missingFromConfigMap: [...known.keys()].filter((key) => !provided.has(key)),
    }).toEqual({ missingFromConfigMap: [] });
    expect({
      notInEnvExample: Object.keys(config).filter((key) => !known.has(key) && !NODE_RUNTIME_VARIABLES.includes(key)),
    }).toEqual({ notInEnvExample: [] });
    for (const deployment of byKind(objects, 'Deployment')) {
      const names = ((container(deployment).env ?? []) as any[]).map((e) => e.name as string);
      expect({
        app: deployment.metadata.name,
        unknown: names.filter((n) => !known.has(n)),
      }).toEqual({ app: deployment.metadata.name, unknown: [] });
    }
    // Internal URLs point at the in-cluster Services.
    for (const { app, port } of SERVICES.filter((s) => s.app !== GATEWAY)) {
      const key = Object.keys(config).find((k) => k.endsWith('_SERVICE_URL') && config[k] === `http://${app}:${port}`);
      expect({ app, url: Boolean(key) }).toEqual({ app, url: true });
    }
  });

  it("bounds Node's heap well inside every container's memory limit, keeping the image's flag", () => {
    // Node sizes its heap from the container limit and lets it fill before collecting hard: a
    // consumer backfilling 1M records peaked at 468 MiB RSS with a 512Mi limit (docs/BENCHMARKS.md).
    const options = configMapData(objects)['NODE_OPTIONS'] ?? '';
    expect(options).toContain('--max-semi-space-size=16');
    const oldSpaceMiB = Number(/--max-old-space-size=(\d+)/.exec(options)?.[1]);
    expect(oldSpaceMiB).toBeGreaterThan(0);
    for (const deployment of byKind(objects, 'Deployment')) {
      const limit = String(container(deployment).resources?.limits?.memory ?? '');
      const limitMiB = /^(\d+)Mi$/.test(limit)
        ? Number(limit.slice(0, -2))
        : /^(\d+)Gi$/.test(limit)
          ? Number(limit.slice(0, -2)) * 1024
          : NaN;
      expect({ app: deployment.metadata.name, oldSpaceAtMostHalfTheLimit: oldSpaceMiB <= limitMiB / 2 }).toEqual({
        app: deployment.metadata.name,
        oldSpaceAtMostHalfTheLimit: true,
      });
    }
  });

  it('exposes only the gateway (and the syslog Service) outside the cluster', () => {
    for (const service of byKind(objects, 'Service')) {
      const type = service.spec.type ?? 'ClusterIP';
      const name = service.metadata.name;
      if (name === 'ingest-syslog') {
        expect(['LoadBalancer', 'NodePort']).toContain(type);
        expect(service.spec.ports.map((p: any) => `${p.port}/${p.protocol}`).sort()).toEqual(['5514/TCP', '5514/UDP']);
        expect(selects({ matchLabels: service.spec.selector }, podLabels(named(objects, 'Deployment', INGEST)))).toBe(
          true,
        );
        continue;
      }
      expect({
        name,
        type,
        externalIPs: service.spec.externalIPs ?? [],
      }).toEqual({ name, type: 'ClusterIP', externalIPs: [] });
    }
    for (const ingress of byKind(objects, 'Ingress')) {
      const backends = (ingress.spec.rules ?? []).flatMap((r: any) =>
        (r.http?.paths ?? []).map((p: any) => p.backend.service.name),
      );
      if (ingress.spec.defaultBackend) backends.push(ingress.spec.defaultBackend.service.name);
      expect([...new Set(backends)]).toEqual([GATEWAY]);
    }
    // Public routes reach the gateway's API port only, never a management port.
    expect(publicRouteProblems(objects, GATEWAY)).toEqual([]);
  });

  it('probes and scrape annotations use the management port, never the API port', () => {
    expect(probeAndScrapeProblems(objects)).toEqual([]);
  });

  it('commits no secret values' + (overlay === 'dev' ? ' besides the generated dev Secrets' : ''), () => {
    const checked = overlay === 'dev' ? objects.filter((o) => o.kind !== 'Secret') : objects;
    expect(committedSecretProblems(checked)).toEqual([]);
  });

  it('network policies: default deny; gateway public; internal services only from gateway pods; syslog public', () => {
    const defaultDeny = byKind(objects, 'NetworkPolicy').find(
      (np) =>
        Object.keys(np.spec.podSelector ?? {}).length === 0 &&
        (np.spec.ingress ?? []).length === 0 &&
        np.spec.policyTypes?.includes('Ingress'),
    );
    expect(defaultDeny).toBeDefined();

    const gatewayLabels = podLabels(named(objects, 'Deployment', GATEWAY));
    for (const { app } of SERVICES) {
      const rules = ingressRulesFor(objects, podLabels(named(objects, 'Deployment', app)));
      expect({ app, hasRules: rules.length > 0 }).toEqual({
        app,
        hasRules: true,
      });
      for (const { policy, rule } of rules) {
        const peers = (rule.from ?? []) as any[];
        const isPublic =
          peers.length === 0 ||
          peers.some(
            (p) =>
              p.ipBlock?.cidr === '0.0.0.0/0' || (p.namespaceSelector && Object.keys(p.namespaceSelector).length === 0),
          );
        const ports = portNames(rule);
        if (app === GATEWAY) {
          expect({ policy, ports }).toEqual({ policy, ports: ['http/TCP'] });
          continue;
        }
        if (isPublic) {
          // Only the ingest service's syslog listener may be reached from anywhere.
          expect({ app, policy, ports: ports.sort() }).toEqual({
            app: INGEST,
            policy,
            ports: ['syslog-tcp/TCP', 'syslog-udp/UDP'],
          });
          continue;
        }
        expect({ policy, ports }).toEqual({ policy, ports: ['http/TCP'] });
        for (const peer of peers) {
          expect({ policy, peer: { ...peer } }).toEqual({
            policy,
            peer: { podSelector: expect.anything() },
          });
          expect({
            policy,
            fromGatewayOnly:
              selects(peer.podSelector, gatewayLabels) &&
              peer.podSelector.matchLabels?.['app.kubernetes.io/name'] === GATEWAY,
          }).toEqual({
            policy,
            fromGatewayOnly: true,
          });
        }
      }
    }
    const gatewayRules = ingressRulesFor(objects, gatewayLabels);
    expect(gatewayRules.some(({ rule }) => (rule.from ?? []).length === 0)).toBe(true);
  });

  it('autoscales the gateway and the consumers; consumers never beyond the partition count', () => {
    const partitions = Number(configMapData(objects)['KAFKA_TOPIC_PARTITIONS']);
    expect(partitions).toBe(3);
    const hpas = byKind(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual([...HPA_SERVICES].sort());
    for (const hpa of hpas) {
      const target = hpa.spec.scaleTargetRef.name as string;
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef.kind).toBe('Deployment');
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
      if (CONSUMERS.includes(target))
        expect({ target, max: hpa.spec.maxReplicas }).toEqual({
          target,
          max: partitions,
        });
      // The autoscaler owns the replica count.
      expect({
        target,
        replicas: named(objects, 'Deployment', target).spec.replicas,
      }).toEqual({ target, replicas: undefined });
    }
  });

  it('has a PodDisruptionBudget for every Deployment', () => {
    const pdbs = byKind(objects, 'PodDisruptionBudget');
    for (const { app } of SERVICES) {
      const covering = pdbs.filter((pdb) => selects(pdb.spec.selector, podLabels(named(objects, 'Deployment', app))));
      expect({ app, pdbs: covering.length }).toEqual({ app, pdbs: 1 });
    }
  });

  it('creates the topics with a Job running kafka-topics.sh --create --if-not-exists', () => {
    const job = named(objects, 'Job', 'kafka-topics');
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toMatch(/^apache\/kafka:4\./);
    const script = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
    expect(script).toContain('kafka-topics.sh');
    expect(script).toContain('--create --if-not-exists');
    const topics = (c.env as any[])
      .find((e) => e.name === 'TOPICS')
      ?.value.split(/\s+/)
      .sort();
    expect(topics).toEqual([...ALL_TOPICS].sort());
    // The same topic namespace as the services: KAFKA_TOPIC_PREFIX from their ConfigMap.
    expect(script).toContain('--topic "${KAFKA_TOPIC_PREFIX}${topic}"');
    const prefix = (c.env as any[]).find((e) => e.name === 'KAFKA_TOPIC_PREFIX');
    expect(prefix?.valueFrom?.configMapKeyRef?.key).toBe('KAFKA_TOPIC_PREFIX');
    expect(prefix?.valueFrom?.configMapKeyRef?.name).toMatch(/^datalake-config/);
    expect(job.spec.template.spec.securityContext?.runAsNonRoot).toBe(true);
    // Authenticated Kafka: every kafka-topics.sh call gets the client config built from the
    // services' KAFKA_SSL*/KAFKA_SASL_* settings; the credentials come from the Secret.
    const calls = script.match(/kafka-topics\.sh [^\n]*/g) ?? [];
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) expect(call).toContain('--command-config "${CONFIG}"');
    const env = new Map<string, any>((c.env as any[]).map((e) => [e.name, e]));
    for (const key of ['KAFKA_SSL', 'KAFKA_SSL_CA_FILE', 'KAFKA_SASL_MECHANISM'])
      expect(env.get(key)?.valueFrom?.configMapKeyRef?.key).toBe(key);
    for (const key of OPTIONAL_SECRET_KEYS)
      expect(env.get(key)?.valueFrom?.secretKeyRef).toEqual({
        name: expect.stringMatching(/^datalake-backends/),
        key,
        optional: true,
      });
  });

  if (overlay === 'dev') {
    it('dev: runs Kafka and MongoDB in the cluster and generates obviously-dev secrets', () => {
      const kafka = named(objects, 'StatefulSet', 'kafka');
      expect(kafka.spec.template.spec.containers[0].image).toBe('apache/kafka:4.1.1');
      expect(named(objects, 'StatefulSet', 'mongodb').spec.template.spec.containers[0].image).toBe('mongo:7');
      for (const [prefix, keys] of Object.entries(SECRET_KEYS)) {
        const secrets = byKind(objects, 'Secret').filter((s) => s.metadata.name.startsWith(prefix));
        expect(secrets).toHaveLength(1);
        expect(Object.keys(secrets[0].data ?? {}).sort()).toEqual([...keys].sort());
      }
      const auth = byKind(objects, 'Secret').find((s) => s.metadata.name.startsWith('datalake-auth')) as K8sObject;
      for (const key of ['JWT_SECRET', 'ADMIN_PASSWORD']) {
        const value = Buffer.from((auth.data ?? {})[key], 'base64').toString('utf8');
        expect(value).toMatch(/dev/);
      }
      const jwt = Buffer.from((auth.data ?? {})['JWT_SECRET'], 'base64').toString('utf8');
      expect(jwt.length).toBeGreaterThanOrEqual(32);
    });
  }

  if (overlay === 'prod') {
    it('prod: carries no secret values, references the platform Secrets, pins images and scales up', () => {
      expect(byKind(objects, 'Secret')).toEqual([]);
      expect(byKind(objects, 'StatefulSet')).toEqual([]);
      const referenced = new Set<string>();
      for (const deployment of byKind(objects, 'Deployment')) {
        const c = container(deployment);
        for (const e of c.envFrom ?? []) if (e.secretRef) referenced.add(e.secretRef.name);
        for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) referenced.add(e.valueFrom.secretKeyRef.name);
        expect(c.image).not.toMatch(/:(latest|dev)$/);
      }
      expect([...referenced].sort()).toEqual(Object.keys(SECRET_KEYS).sort());

      const dev = (renderings.get('dev') as Rendering).objects;
      const memory = (q: string) => Number(/^(\d+)(Mi|Gi)$/.exec(q)?.[1]) * (q.endsWith('Gi') ? 1024 : 1);
      for (const { app } of SERVICES) {
        const prodLimit = memory(container(named(objects, 'Deployment', app)).resources.limits.memory);
        const devLimit = memory(container(named(dev, 'Deployment', app)).resources.limits.memory);
        expect({ app, higher: prodLimit > devLimit }).toEqual({
          app,
          higher: true,
        });
      }
      expect(named(objects, 'HorizontalPodAutoscaler', GATEWAY).spec.minReplicas).toBeGreaterThanOrEqual(3);

      // The Ingress lets through the API's 5 MB ingest bodies (ingress-nginx defaults to 1 MB).
      const annotations = (named(objects, 'Ingress', GATEWAY).metadata.annotations ?? {}) as Record<string, string>;
      const size = /^(\d+)([km])$/i.exec(annotations['nginx.ingress.kubernetes.io/proxy-body-size'] ?? '');
      const bytes = size ? Number(size[1]) * (size[2].toLowerCase() === 'm' ? 1024 * 1024 : 1024) : 0;
      expect(bytes).toBeGreaterThanOrEqual(5 * 1024 * 1024);
      for (const consumer of CONSUMERS)
        expect(named(objects, 'HorizontalPodAutoscaler', consumer).spec.minReplicas).toBeGreaterThanOrEqual(2);
    });
  }
});

describe('component metrics-scrape', () => {
  it('only adds scraping from Prometheus pods of the monitoring namespace, on the management port', () => {
    const objects = (renderings.get('prod+metrics-scrape') as Rendering).objects;
    const policy = named(objects, 'NetworkPolicy', 'metrics-from-prometheus');
    expect(policy.metadata.namespace).toBe('datalake');
    expect(policy.spec.ingress).toHaveLength(1);
    const [rule] = policy.spec.ingress;
    expect(portNames(rule)).toEqual(['management/TCP']);
    expect(scrapePolicyProblems(objects)).toEqual([]);
    expect(rule.from).toEqual([
      {
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
        },
        podSelector: {
          matchLabels: { 'app.kubernetes.io/name': 'prometheus' },
        },
      },
    ]);
  });
});

describe('components monitoring + gateway-api (on prod)', () => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = (renderings.get(WITH_COMPONENTS) as Rendering).objects;
  });

  it('has a ServiceMonitor per service on its management port, selecting exactly that Service', () => {
    const monitors = byKind(objects, 'ServiceMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(SERVICES.map((s) => s.app).sort());
    for (const monitor of monitors) {
      const service = named(objects, 'Service', monitor.metadata.name);
      expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(monitor.metadata.namespace).toBe('datalake');
      expect(selects(monitor.spec.selector, service.metadata.labels ?? {})).toBe(true);
      // Other selected Services (ingest-syslog) must have no management port: one target per pod.
      const others = byKind(objects, 'Service').filter(
        (s) =>
          s !== service &&
          selects(monitor.spec.selector, s.metadata.labels ?? {}) &&
          (s.spec.ports ?? []).some((p: any) => p.name === 'management'),
      );
      expect(others.map((s) => s.metadata.name)).toEqual([]);
      expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'management', path: '/metrics' })]);
      // The rules filter on this label.
      expect(monitor.spec.targetLabels).toContain('app.kubernetes.io/part-of');
    }
    expect(probeAndScrapeProblems(objects)).toEqual([]);
  });

  it('opens only the management port to Prometheus', () => {
    expect(scrapePolicyProblems(objects)).toEqual([]);
    expect(named(objects, 'NetworkPolicy', 'metrics-from-prometheus').spec.ingress[0].ports).toEqual([
      { port: 'management', protocol: 'TCP' },
    ]);
  });

  it('replaces the Ingress by an HTTPRoute to the gateway API port', () => {
    expect(byKind(objects, 'Ingress')).toEqual([]);
    const route = named(objects, 'HTTPRoute', GATEWAY);
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.parentRefs.length).toBeGreaterThan(0);
    expect(publicBackends(objects)).toEqual([{ via: `HTTPRoute/${GATEWAY}`, service: GATEWAY, port: 3000 }]);
    expect(publicRouteProblems(objects, GATEWAY)).toEqual([]);
    expect(committedSecretProblems(objects)).toEqual([]);
  });

  it('every alert has a runbook in k8s/README.md; the six kinds of alert of issue 13 exist', () => {
    const alerts = alertRules(objects);
    expect(alerts.map((a) => a.alert).sort()).toEqual(
      [
        'DataLakeConsumerLagGrowing',
        'DataLakeConsumerPartitionStalled',
        'DataLakeSourceStalled',
        'DataLakeDeadLetterRate',
        'DataLakeHttp5xxRate',
        'DataLakeQuotaRejectionsSpike',
        'DataLakeServiceDown',
      ].sort(),
    );
    expect(runbookProblems(alerts, readRootFile('k8s/README.md'))).toEqual([]);
  });

  it(
    'the alert rules pass `promtool check rules` and their unit tests (`promtool test rules`)',
    () => {
      const promtool = ensureTools('promtool');
      const groups = named(objects, 'PrometheusRule', 'datalake-alerts').spec.groups;
      const { check, test } = promtoolTest(promtool, groups, readRootFile(ALERT_TESTS));
      expect({ status: check.status, output: check.status === 0 ? '' : check.stdout + check.stderr }).toEqual({
        status: 0,
        output: '',
      });
      expect({ status: test.status, output: test.status === 0 ? '' : test.stdout + test.stderr }).toEqual({
        status: 0,
        output: '',
      });
    },
    INSTALL_TIMEOUT_MS,
  );

  it('the unit tests cover every alert, firing and silent', () => {
    const tests = parseManifests(readRootFile(ALERT_TESTS))[0] as unknown as { tests: any[] };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test as { alertname: string; exp_alerts?: unknown[] }[]);
    for (const { alert } of alertRules(objects)) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect({ alert, fires: mine.some((c) => (c.exp_alerts ?? []).length > 0) }).toEqual({ alert, fires: true });
      // Silent: a case expecting no alert, or a firing case whose inputs include series that must not fire.
      const silent =
        mine.some((c) => (c.exp_alerts ?? []).length === 0) ||
        tests.tests.some((t) => t.alert_rule_test.some((c: any) => c.alertname === alert) && t.input_series.length > 1);
      expect({ alert, silent }).toEqual({ alert, silent: true });
    }
  });
});

describe('component keda-lag-scaling (on prod + monitoring)', () => {
  it('scales each consumer on its topic lag, up to the partition count, instead of its CPU HPA', () => {
    const objects = (renderings.get(WITH_KEDA) as Rendering).objects;
    const partitions = Number(configMapData(objects)['KAFKA_TOPIC_PARTITIONS']);
    const scaled = byKind(objects, 'ScaledObject');
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual([...CONSUMERS].sort());
    expect(lagScalingProblems(objects, partitions)).toEqual([]);
    expect(byKind(objects, 'HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name)).toEqual([GATEWAY]);
    for (const object of scaled) {
      const [trigger] = object.spec.triggers;
      expect(trigger.type).toBe('prometheus');
      expect(trigger.metadata.query).toMatch(/^sum\(datalake_consumer_lag\{topic="[a-z_]+"\}\)$/);
      // The topic is the consumer's own (network-logs-consumer -> network_logs).
      const topic = object.metadata.name.replace(/-consumer$/, '').replace(/-/g, '_');
      expect(trigger.metadata.query).toContain(`topic="${topic}"`);
    }
    // Mutations: past the partition count, or beside a CPU HPA, fails.
    const more = JSON.parse(JSON.stringify(objects)) as K8sObject[];
    byKind(more, 'ScaledObject')[0].spec.maxReplicaCount = partitions + 1;
    expect(lagScalingProblems(more, partitions)).toEqual([expect.stringContaining('maxReplicaCount')]);
    const both = [...objects, ...byKind((renderings.get('prod') as Rendering).objects, 'HorizontalPodAutoscaler')];
    expect(lagScalingProblems(both, partitions)).toHaveLength(CONSUMERS.length);
  });
});

/**
 * Proof that the new checks can fail: each one is run on a mutated copy of a real rendering and
 * must report the mutation.
 */
describe('the platform checks catch what they are for (mutations)', () => {
  let prod: K8sObject[];
  let full: K8sObject[];
  const clone = (objects: K8sObject[]) => JSON.parse(JSON.stringify(objects)) as K8sObject[];
  beforeAll(() => {
    prod = (renderings.get('prod') as Rendering).objects;
    full = (renderings.get(WITH_COMPONENTS) as Rendering).objects;
  });

  it('the Ingress routing the management port (by name or number) fails', () => {
    for (const port of [{ name: 'management' }, { number: 9000 }]) {
      const objects = clone(prod);
      named(objects, 'Ingress', GATEWAY).spec.rules[0].http.paths[0].backend.service.port = port;
      expect(publicRouteProblems(objects, GATEWAY)).toEqual([expect.stringContaining('Ingress/api-gateway routes')]);
    }
  });

  it('the HTTPRoute routing the management port, or an internal service, fails', () => {
    const objects = clone(full);
    named(objects, 'HTTPRoute', GATEWAY).spec.rules[0].backendRefs[0].port = 9000;
    expect(publicRouteProblems(objects, GATEWAY)).toEqual([expect.stringContaining('port name management')]);
    const internal = clone(full);
    named(internal, 'HTTPRoute', GATEWAY).spec.rules[0].backendRefs[0] = { name: 'auth-service', port: 3001 };
    expect(publicRouteProblems(internal, GATEWAY)).toHaveLength(1);
  });

  it('a probe, the prometheus.io/port annotation or a ServiceMonitor on the public port fails', () => {
    const probe = clone(prod);
    named(probe, 'Deployment', CONSUMERS[0]).spec.template.spec.containers[0].readinessProbe.httpGet.port = 'http';
    expect(probeAndScrapeProblems(probe)).toEqual([expect.stringContaining('readinessProbe on port http')]);
    const annotation = clone(prod);
    named(annotation, 'Deployment', GATEWAY).spec.template.metadata.annotations['prometheus.io/port'] = '3000';
    expect(probeAndScrapeProblems(annotation)).toEqual([expect.stringContaining('prometheus.io/port 3000')]);
    const monitor = clone(full);
    named(monitor, 'ServiceMonitor', INGEST).spec.endpoints[0].port = 'http';
    expect(probeAndScrapeProblems(monitor)).toEqual([
      expect.stringContaining('ServiceMonitor/ingest-producer-service'),
    ]);
  });

  it('the scrape policy opening the API port, or every port, fails', () => {
    const extra = clone(full);
    named(extra, 'NetworkPolicy', 'metrics-from-prometheus').spec.ingress[0].ports.push({
      port: 'http',
      protocol: 'TCP',
    });
    expect(scrapePolicyProblems(extra)).toEqual([expect.stringContaining('opens port http')]);
    const all = clone(full);
    delete named(all, 'NetworkPolicy', 'metrics-from-prometheus').spec.ingress[0].ports;
    expect(scrapePolicyProblems(all)).toEqual([expect.stringContaining('every port')]);
  });

  it('a committed Secret value, a secret in the ConfigMap or a literal secret env var fails', () => {
    const secret = clone(prod);
    secret.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'datalake-internal' },
      data: { INTERNAL_TOKEN_SECRET: 'eA==' },
    });
    expect(committedSecretProblems(secret)).toEqual([expect.stringContaining('Secret/datalake-internal')]);
    const config = clone(prod);
    (byKind(config, 'ConfigMap')[0].data as Record<string, string>)['KAFKA_SASL_PASSWORD'] = 'hunter2';
    expect(committedSecretProblems(config)).toEqual([expect.stringContaining('KAFKA_SASL_PASSWORD')]);
    const env = clone(prod);
    named(env, 'Deployment', GATEWAY).spec.template.spec.containers[0].env.push({
      name: 'JWT_SECRET',
      value: 'x'.repeat(40),
    });
    expect(committedSecretProblems(env)).toEqual([expect.stringContaining('JWT_SECRET is a literal value')]);
  });

  it('an alert without a runbook heading, or with another runbook_url, fails', () => {
    const alerts = alertRules(full);
    const readme = readRootFile('k8s/README.md').replace('#### DataLakeServiceDown', '#### Something else');
    expect(runbookProblems(alerts, readme)).toEqual([expect.stringContaining('DataLakeServiceDown: no runbook')]);
    const moved = alerts.map((a) =>
      a.alert === 'DataLakeSourceStalled' ? { ...a, annotations: { runbook_url: 'x' } } : a,
    );
    expect(runbookProblems(moved, readRootFile('k8s/README.md'))).toEqual([
      expect.stringContaining('DataLakeSourceStalled: runbook_url'),
    ]);
  });

  it(
    'an alert rule that no longer matches its unit test fails `promtool test rules`',
    () => {
      const promtool = ensureTools('promtool');
      const groups = JSON.parse(JSON.stringify(named(full, 'PrometheusRule', 'datalake-alerts').spec.groups));
      const stalled = groups
        .flatMap((g: any) => g.rules)
        .find((r: any) => r.alert === 'DataLakeConsumerPartitionStalled');
      stalled.expr = stalled.expr.replace('> 120', '> 100000');
      const { test } = promtoolTest(promtool, groups, readRootFile(ALERT_TESTS));
      expect(test.status).not.toBe(0);
      expect(test.stdout + test.stderr).toContain('DataLakeConsumerPartitionStalled');
    },
    INSTALL_TIMEOUT_MS,
  );
});
