/**
 * Image rules over a parsed Dockerfile, each returning the problems it finds (empty = pass), so
 * that the specs can run them on docker/Dockerfile AND on mutated copies (proof they can fail).
 * There is no Docker engine where the checks run: everything is read statically.
 */
import { copies, resolveFrom, type Dockerfile, type Instruction, type Stage } from './dockerfile';

/** Supported Node LTS lines (Node 20 reached end of life in April 2026). */
export const NODE_BASE = /^node:(22|24)\.\d+\.\d+-(bookworm-slim|trixie-slim|alpine[\d.]*)(@sha256:[0-9a-f]{64})?$/;

/** Fails unless every stage's base is a supported Node LTS pinned to a full x.y.z version. */
export function baseImageProblems(file: Dockerfile): string[] {
  return file.stages
    .filter((stage) => !file.stages.some((s) => s.name === stage.from)) // FROM another stage
    .map((stage) => ({ stage, image: resolveFrom(file, stage) }))
    .filter(({ image }) => !NODE_BASE.test(image))
    .map(({ stage, image }) => `stage ${stage.name}: base ${image} is not node:22|24 pinned to x.y.z`);
}

/** The stage and the stages it is built FROM, root first. */
export function ancestry(file: Dockerfile, stage: Stage): Stage[] {
  const parent = file.stages.find((s) => s.name === stage.from && s !== stage);
  return parent ? [...ancestry(file, parent), stage] : [stage];
}

/** The instructions an image stage runs, its ancestors' included, in order. */
export function chainInstructions(file: Dockerfile, stage: Stage): Instruction[] {
  return ancestry(file, stage).flatMap((s) => s.instructions);
}

const WORKSPACE_INSTALL = (i: Instruction) =>
  i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args) && !/--omit[= ]dev/.test(i.args);
const MENTIONS_APP = (i: Instruction) => /\$\{?APP\b/.test(i.args) || (i.keyword === 'ARG' && /^APP(=|$)/.test(i.args));

/**
 * Fails unless the workspace `npm ci` happens, in the stage that builds the app (or one it is
 * built from), before anything mentions APP and after copying only the package manifests: the
 * dependency layer is then the same for all six images.
 */
export function sharedDependencyLayerProblems(file: Dockerfile): string[] {
  const build = file.stages.find((s) => s.instructions.some((i) => i.keyword === 'RUN' && /npx nx build/.test(i.args)));
  if (!build) return ['no stage runs npx nx build'];
  const chain = chainInstructions(file, build);
  const install = chain.findIndex(WORKSPACE_INSTALL);
  if (install < 0) return [`no workspace npm ci before the build stage ${build.name}`];
  const problems: string[] = [];
  const app = chain.findIndex(MENTIONS_APP);
  if (app >= 0 && app < install) problems.push(`line ${chain[app].line} mentions APP before the workspace npm ci`);
  for (const i of chain.slice(0, install).filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
    const sources = i.args
      .split(/\s+/)
      .filter((w) => !w.startsWith('--'))
      .slice(0, -1);
    if (sources.some((source) => !/^package(-lock)?\.json$/.test(source))) {
      problems.push(
        `line ${i.line} copies ${sources.join(' ')} before npm ci (only package.json and package-lock.json may)`,
      );
    }
  }
  return problems;
}

const OCI_LABELS = ['source', 'version', 'revision'];

/** Fails unless the runtime stage labels source, version and revision from build args. */
export function ociLabelProblems(runtime: Stage): string[] {
  const labels = runtime.instructions
    .filter((i) => i.keyword === 'LABEL')
    .map((i) => i.args)
    .join(' ');
  const args = new Set(runtime.instructions.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=')[0].trim()));
  const problems: string[] = [];
  for (const label of OCI_LABELS) {
    const match = new RegExp(`org\\.opencontainers\\.image\\.${label}="?\\$\\{?([A-Z_]+)\\}?"?`).exec(labels);
    if (!match) problems.push(`no org.opencontainers.image.${label} label from a build arg`);
    else if (!args.has(match[1]))
      problems.push(`org.opencontainers.image.${label} uses ${match[1]}, not an ARG of the stage`);
  }
  return problems;
}

/**
 * Fails unless the runtime's node_modules come from a stage that installs with --omit=dev from
 * the app's generated package.json, and that stage removes swagger-ui-dist for every app but
 * the gateway.
 */
export function productionDependencyProblems(file: Dockerfile, runtime: Stage): string[] {
  const source = copies(runtime).find((c) => /node_modules/.test(c.sources.join(' ')))?.from;
  const stage = file.stages.find((s) => s.name === source);
  if (!stage) return ['the runtime takes node_modules from no build stage'];
  const problems: string[] = [];
  const runs = stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  if (!runs.some((r) => /\bnpm (ci|install)\b.*--omit[= ]dev/.test(r)))
    problems.push(`stage ${stage.name} does not install with --omit=dev`);
  if (!copies(stage).some((c) => c.sources.some((s) => /dist\/apps\/\$\{?APP\}?\/package\*?\.json$/.test(s)))) {
    problems.push(`stage ${stage.name} does not install from dist/apps/$APP/package.json`);
  }
  if (
    !runs.some((r) => /if \[ "\$\{APP\}" != "api-gateway" \]; then rm -rf node_modules\/swagger-ui-dist; fi/.test(r))
  ) {
    problems.push(`stage ${stage.name} keeps swagger-ui-dist in every image, not only the gateway's`);
  }
  return problems;
}
