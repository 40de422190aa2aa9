import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runOk } from './run';
import type { ToolEnv } from './tools';

/** The fields of Kubernetes objects the checks read; everything else stays `unknown`. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}

export function kustomizeBuild(tools: ToolEnv, dir: string): string {
  return runOk(tools.KUSTOMIZE, ['build', dir]);
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML error: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((obj): obj is K8sObject => obj !== null && typeof obj === 'object');
}

export interface KubeconformResource {
  filename: string;
  kind: string;
  name: string;
  version: string;
  status: string;
  msg: string;
}

export interface KubeconformResult {
  status: number | null;
  /** Every resource kubeconform saw (-verbose), by the label of the rendering it came from. */
  resources: Map<string, KubeconformResource[]>;
  raw: string;
}

/**
 * Validates rendered YAML documents against the cached JSON schemas, strictly and offline, in
 * one kubeconform run (schemas are compiled once for all renderings).
 */
export function kubeconform(
  tools: ToolEnv,
  renderings: Record<string, string>,
  /** Custom resources without a schema in the offline set (checked structurally by the specs). */
  skipKinds: string[] = [],
): KubeconformResult {
  const dir = mkdtempSync(join(tmpdir(), 'datalake-kubeconform-'));
  try {
    const files = new Map<string, string>();
    for (const [label, yamlText] of Object.entries(renderings)) {
      const file = join(dir, `${label.replace(/[^a-z0-9.-]/gi, '_')}.yaml`);
      writeFileSync(file, yamlText);
      files.set(file, label);
    }
    const result = spawnSync(
      tools.KUBECONFORM,
      [
        '-strict',
        '-verbose',
        '-output',
        'json',
        '-kubernetes-version',
        tools.K8S_VERSION,
        '-schema-location',
        tools.SCHEMA_LOCATION,
        ...(skipKinds.length > 0 ? ['-skip', skipKinds.join(',')] : []),
        ...files.keys(),
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const raw = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    let report: { resources?: KubeconformResource[] };
    try {
      report = JSON.parse(result.stdout) as {
        resources?: KubeconformResource[];
      };
    } catch {
      throw new Error(`kubeconform printed no JSON report (exit ${result.status}):\n${raw}`);
    }
    const resources = new Map<string, KubeconformResource[]>([...files.values()].map((label) => [label, []]));
    for (const resource of report.resources ?? []) {
      const label = files.get(resource.filename);
      if (!label) throw new Error(`kubeconform reported an unknown file ${resource.filename}`);
      resources.get(label)?.push(resource);
    }
    return { status: result.status, resources, raw };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((obj) => obj.kind === kind);
}

export function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((obj) => obj.kind === kind && obj.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in the rendered manifests`);
  return found;
}

/** Whether a label selector (matchLabels / matchExpressions) selects the given labels. */
export function selects(
  selector:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: {
          key: string;
          operator: string;
          values?: string[];
        }[];
      }
    | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const value = labels[expression.key];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
      default:
        throw new Error(`unknown selector operator ${expression.operator}`);
    }
  }
  return true;
}
