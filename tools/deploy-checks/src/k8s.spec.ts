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
import { ALL_TOPICS, CONSUMERS, fromRoot, GATEWAY, INGEST, readEnvExample, SERVICES } from './lib/workspace';

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
};

let tools: ToolEnv;
const renderings = new Map<string, Rendering>();

function render(label: string, dir: string): Rendering {
  const yaml = kustomizeBuild(tools, dir);
  const rendering = { yaml, objects: parseManifests(yaml) };
  renderings.set(label, rendering);
  return rendering;
}

/** Renders the prod overlay plus the optional metrics-scrape component (relative paths only). */
function renderWithComponent(): Rendering {
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
        `  - ${rel('k8s/components/metrics-scrape')}`,
        '',
      ].join('\n'),
    );
    return render('prod+metrics-scrape', dir);
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
  renderWithComponent();
}, INSTALL_TIMEOUT_MS);

describe('kubeconform (offline JSON schemas)', () => {
  const LABELS = ['base', ...OVERLAYS, 'prod+metrics-scrape'];
  let result: KubeconformResult;
  beforeAll(() => {
    result = kubeconform(
      tools,
      Object.fromEntries(LABELS.map((label) => [label, (renderings.get(label) as Rendering).yaml])),
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
      .filter((r) => r.status !== 'statusValid')
      .map((r) => `${r.kind}/${r.name}: ${r.status} ${r.msg}`);
    expect(problems).toEqual([]);
    // Every rendered object was validated: none skipped for want of a schema.
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
      expect(service.spec.ports).toEqual([expect.objectContaining({ name: 'http', port, targetPort: 'http' })]);
      expect(selects({ matchLabels: service.spec.selector }, podLabels(named(objects, 'Deployment', app)))).toBe(true);
    }
  });

  it.each(SERVICES.map((s) => [s.app, s.portVar, s.port] as const))(
    'Deployment %s: probes, resources, security context, writable /tmp, config from ConfigMap and Secret',
    (app, portVar, port) => {
      const deployment = named(objects, 'Deployment', app);
      const pod = deployment.spec.template.spec;
      const c = container(deployment);
      const config = configMapData(objects);

      // The container listens where the service's port variable says.
      expect(config[portVar]).toBe(String(port));
      expect(c.ports).toContainEqual(expect.objectContaining({ name: 'http', containerPort: port }));

      expect(c.readinessProbe?.httpGet).toEqual({
        path: '/health/ready',
        port: 'http',
      });
      expect(c.livenessProbe?.httpGet).toEqual({
        path: '/health/live',
        port: 'http',
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
    },
  );

  it('provides every variable of .env.example, under exactly those names', () => {
    const known = readEnvExample();
    const config = configMapData(objects);
    const provided = new Set([...Object.keys(config), ...Object.values(SECRET_KEYS).flat()]);
    // A variable added to .env.example must be added to the ConfigMap (k8s/base/kustomization.yaml).
    expect({
      missingFromConfigMap: [...known.keys()].filter((key) => !provided.has(key)),
    }).toEqual({ missingFromConfigMap: [] });
    expect({
      notInEnvExample: Object.keys(config).filter((key) => !known.has(key)),
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
      for (const consumer of CONSUMERS)
        expect(named(objects, 'HorizontalPodAutoscaler', consumer).spec.minReplicas).toBeGreaterThanOrEqual(2);
    });
  }
});

describe('component metrics-scrape', () => {
  it('only adds scraping from Prometheus pods of the monitoring namespace, on the HTTP port', () => {
    const objects = (renderings.get('prod+metrics-scrape') as Rendering).objects;
    const policy = named(objects, 'NetworkPolicy', 'metrics-from-prometheus');
    expect(policy.metadata.namespace).toBe('datalake');
    expect(policy.spec.ingress).toHaveLength(1);
    const [rule] = policy.spec.ingress;
    expect(portNames(rule)).toEqual(['http/TCP']);
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
