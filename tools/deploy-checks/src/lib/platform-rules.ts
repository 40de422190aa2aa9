/**
 * Platform rules over rendered manifests, each returning the problems it finds (empty = pass), so
 * that the specs can assert them on the real renderings AND on mutated copies (proof that a
 * check can fail).
 */
import { byKind, type K8sObject } from './manifests';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The port name every Deployment and Service gives to /metrics and /health/* (issue 13). */
export const MANAGEMENT_PORT_NAME = 'management';
/** The API port name: the only one the Ingress/HTTPRoute may route. */
export const API_PORT_NAME = 'http';

function containerOf(deployment: K8sObject): any {
  return deployment.spec?.template?.spec?.containers?.[0] ?? {};
}

/** A Service port referenced by name or number, from a Service of the rendering. */
function servicePort(objects: K8sObject[], serviceName: string, port: string | number | undefined): any {
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === serviceName);
  return (service?.spec?.ports ?? []).find((p: any) => p.name === port || p.port === port);
}

/** Every (service, port) a public route sends traffic to: Ingress rules/defaultBackend and HTTPRoute backendRefs. */
export function publicBackends(objects: K8sObject[]): { via: string; service: string; port: string | number }[] {
  const found: { via: string; service: string; port: string | number }[] = [];
  for (const ingress of byKind(objects, 'Ingress')) {
    const backends = (ingress.spec?.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend));
    if (ingress.spec?.defaultBackend) backends.push(ingress.spec.defaultBackend);
    for (const backend of backends) {
      found.push({
        via: `Ingress/${ingress.metadata.name}`,
        service: backend.service?.name,
        port: backend.service?.port?.name ?? backend.service?.port?.number,
      });
    }
  }
  for (const route of byKind(objects, 'HTTPRoute')) {
    for (const rule of route.spec?.rules ?? []) {
      for (const ref of rule.backendRefs ?? []) {
        found.push({ via: `HTTPRoute/${route.metadata.name}`, service: ref.name, port: ref.port });
      }
    }
  }
  return found;
}

/** Fails when a public route reaches anything but the gateway's API port (e.g. its management port). */
export function publicRouteProblems(objects: K8sObject[], gateway: string): string[] {
  const problems: string[] = [];
  for (const { via, service, port } of publicBackends(objects)) {
    const resolved = servicePort(objects, service, port);
    if (service !== gateway || resolved?.name !== API_PORT_NAME) {
      problems.push(
        `${via} routes ${service}:${port} (port name ${resolved?.name ?? 'unknown'}); only ${gateway}:${API_PORT_NAME} may be public`,
      );
    }
  }
  return problems;
}

/** The management containerPort of a Deployment, or undefined. */
export function managementPort(deployment: K8sObject): number | undefined {
  return (containerOf(deployment).ports ?? []).find((p: any) => p.name === MANAGEMENT_PORT_NAME)?.containerPort;
}

function isManagement(deployment: K8sObject, port: unknown): boolean {
  return port === MANAGEMENT_PORT_NAME || (typeof port === 'number' && port === managementPort(deployment));
}

/** Fails when a probe or the prometheus.io annotations point anywhere but the management port. */
export function probeAndScrapeProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const deployment of byKind(objects, 'Deployment').filter(
    (d) => d.metadata.labels?.['app.kubernetes.io/part-of'] === 'datalake',
  )) {
    const name = deployment.metadata.name;
    const c = containerOf(deployment);
    if (managementPort(deployment) === undefined)
      problems.push(`${name}: no container port named ${MANAGEMENT_PORT_NAME}`);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const port = c[probe]?.httpGet?.port;
      if (!c[probe]) problems.push(`${name}: no ${probe}`);
      else if (!isManagement(deployment, port))
        problems.push(`${name}: ${probe} on port ${port}, not ${MANAGEMENT_PORT_NAME}`);
    }
    const annotations = deployment.spec?.template?.metadata?.annotations ?? {};
    if (
      annotations['prometheus.io/scrape'] === 'true' &&
      annotations['prometheus.io/port'] !== String(managementPort(deployment))
    ) {
      problems.push(
        `${name}: prometheus.io/port ${annotations['prometheus.io/port']} is not the management port ${managementPort(deployment)}`,
      );
    }
  }
  for (const monitor of byKind(objects, 'ServiceMonitor')) {
    for (const endpoint of monitor.spec?.endpoints ?? []) {
      if (endpoint.port !== MANAGEMENT_PORT_NAME) {
        problems.push(
          `ServiceMonitor/${monitor.metadata.name} scrapes port ${endpoint.port ?? endpoint.targetPort}, not ${MANAGEMENT_PORT_NAME}`,
        );
      }
    }
  }
  return problems;
}

/**
 * Fails when a NetworkPolicy that admits Prometheus (a peer in a `monitoring` namespace or with
 * a prometheus pod label) opens any port but the management port, or opens all ports.
 */
export function scrapePolicyProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const isPrometheusPeer = (peer: any) =>
    peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring' ||
    peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus';
  for (const policy of byKind(objects, 'NetworkPolicy')) {
    for (const rule of policy.spec?.ingress ?? []) {
      if (!(rule.from ?? []).some(isPrometheusPeer)) continue;
      const ports = (rule.ports ?? []) as any[];
      if (ports.length === 0) problems.push(`NetworkPolicy/${policy.metadata.name} opens every port to Prometheus`);
      for (const port of ports) {
        if (port.port !== MANAGEMENT_PORT_NAME) {
          problems.push(
            `NetworkPolicy/${policy.metadata.name} opens port ${port.port} to Prometheus, not ${MANAGEMENT_PORT_NAME}`,
          );
        }
      }
    }
  }
  return problems;
}

const SECRET_NAME = /(SECRET|PASSWORD|PRIVATE_KEY)$|^MONGO_URI$|^KAFKA_SASL_USERNAME$/;

/**
 * Fails when a secret value is committed into a rendering that must carry none (prod and the
 * components): a Secret with data, a secret-looking ConfigMap key with a value, or a container
 * env var with a secret-looking name and a literal value.
 */
export function committedSecretProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const secret of byKind(objects, 'Secret')) {
    const keys = [...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})];
    if (keys.length > 0) problems.push(`Secret/${secret.metadata.name} carries values (${keys.join(', ')})`);
  }
  for (const map of byKind(objects, 'ConfigMap')) {
    for (const [key, value] of Object.entries(map.data ?? {})) {
      if (SECRET_NAME.test(key) && value !== '') problems.push(`ConfigMap/${map.metadata.name} has a value for ${key}`);
    }
  }
  for (const workload of objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))) {
    for (const c of workload.spec?.template?.spec?.containers ?? []) {
      for (const env of c.env ?? []) {
        if (SECRET_NAME.test(env.name) && typeof env.value === 'string' && env.value !== '') {
          problems.push(
            `${workload.kind}/${workload.metadata.name}: ${env.name} is a literal value, not a secretKeyRef`,
          );
        }
      }
    }
  }
  return problems;
}

export interface AlertRule {
  alert: string;
  annotations?: Record<string, string>;
}

/** The alerting rules of every PrometheusRule. */
export function alertRules(objects: K8sObject[]): AlertRule[] {
  return byKind(objects, 'PrometheusRule').flatMap((rule) =>
    (rule.spec?.groups ?? []).flatMap((group: any) => ((group.rules ?? []) as any[]).filter((r) => r.alert)),
  );
}

/**
 * Fails when an alert has no runbook: its runbook_url must be `k8s/README.md#<alert in lower
 * case>` and the README must have the heading `#### <Alert>` followed by at least one line of text.
 */
export function runbookProblems(alerts: AlertRule[], readme: string): string[] {
  const problems: string[] = [];
  const lines = readme.split('\n');
  for (const { alert, annotations } of alerts) {
    const anchor = `k8s/README.md#${alert.toLowerCase()}`;
    if (annotations?.['runbook_url'] !== anchor) problems.push(`${alert}: runbook_url is not ${anchor}`);
    const heading = lines.findIndex((l) => l.trim() === `#### ${alert}`);
    const body = heading < 0 ? '' : (lines.slice(heading + 1).find((l) => l.trim() !== '') ?? '');
    if (heading < 0 || body.startsWith('#'))
      problems.push(`${alert}: no runbook under "#### ${alert}" in k8s/README.md`);
  }
  return problems;
}

/**
 * Fails when a consumer scales past its topic's partition count with KEDA, when a ScaledObject
 * targets no Deployment, or when a Deployment has both a ScaledObject and its own HPA (two
 * autoscalers fighting over the replica count).
 */
export function lagScalingProblems(objects: K8sObject[], partitions: number): string[] {
  const problems: string[] = [];
  const hpaTargets = new Set(byKind(objects, 'HorizontalPodAutoscaler').map((h) => h.spec?.scaleTargetRef?.name));
  for (const scaled of byKind(objects, 'ScaledObject')) {
    const target = scaled.spec?.scaleTargetRef?.name;
    if (!objects.some((o) => o.kind === 'Deployment' && o.metadata.name === target)) {
      problems.push(`ScaledObject/${scaled.metadata.name} targets no Deployment (${target})`);
    }
    if (!(scaled.spec?.maxReplicaCount <= partitions)) {
      problems.push(
        `ScaledObject/${scaled.metadata.name}: maxReplicaCount ${scaled.spec?.maxReplicaCount} > ${partitions} partitions`,
      );
    }
    if (hpaTargets.has(target)) problems.push(`${target} has both a ScaledObject and a HorizontalPodAutoscaler`);
  }
  return problems;
}
