import { posix } from 'node:path';
import {
  copies,
  execForm,
  last,
  parseDockerfile,
  stageEnv,
  workdirAt,
  type Dockerfile,
  type Stage,
} from './lib/dockerfile';
import {
  baseImageProblems,
  chainInstructions,
  ociLabelProblems,
  productionDependencyProblems,
  sharedDependencyLayerProblems,
} from './lib/dockerfile-rules';
import { run } from './lib/run';
import { ensureTools, INSTALL_TIMEOUT_MS, type ToolEnv } from './lib/tools';
import { fromRoot, readEnvExample, readRootFile, SERVICES } from './lib/workspace';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DOCKERFILE = 'docker/Dockerfile';

function runs(stage: Stage): string[] {
  return stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
}

describe('docker/Dockerfile', () => {
  let file: Dockerfile;
  let runtime: Stage;

  beforeAll(() => {
    file = parseDockerfile(readRootFile(DOCKERFILE));
    runtime = file.stages[file.stages.length - 1];
  });

  it('is multi-stage, on a supported Node LTS (22 or 24) pinned to a full version, Debian slim or Alpine', () => {
    expect(file.stages.length).toBeGreaterThanOrEqual(2);
    expect(baseImageProblems(file)).toEqual([]);
  });

  it('installs the workspace dependencies once for all apps: npm ci before ARG APP, after only the manifests', () => {
    expect(sharedDependencyLayerProblems(file)).toEqual([]);
  });

  it('labels the image with OCI source, version and revision from build args', () => {
    expect(ociLabelProblems(runtime)).toEqual([]);
  });

  it('ships production dependencies only, per app, and swagger-ui-dist only in the gateway', () => {
    expect(productionDependencyProblems(file, runtime)).toEqual([]);
    // Safe to drop elsewhere only while the gateway alone serves the Swagger UI (SwaggerModule).
    const users: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (
          /\.ts$/.test(name) &&
          !/\.spec\.ts$/.test(name) &&
          /SwaggerModule|swagger-ui-dist/.test(readFileSync(path, 'utf8'))
        )
          users.push(path.slice(fromRoot().length + 1));
      }
    };
    walk(fromRoot('apps'));
    walk(fromRoot('libs'));
    expect(users.filter((path) => !path.startsWith('apps/api-gateway/'))).toEqual([]);
  });

  it('is parameterised by ARG APP in every stage that uses it', () => {
    for (const stage of file.stages) {
      const text = stage.instructions.map((i) => i.args).join('\n');
      if (/\$\{?APP\b/.test(text)) {
        const declared = stage.instructions.findIndex((i) => i.keyword === 'ARG' && /^APP(=|$)/.test(i.args));
        const used = stage.instructions.findIndex((i) => i.keyword !== 'ARG' && /\$\{?APP\b/.test(i.args));
        expect({
          stage: stage.name,
          declaredBeforeUse: declared >= 0 && declared < used,
        }).toEqual({
          stage: stage.name,
          declaredBeforeUse: true,
        });
      }
    }
  });

  it('builds with Nx: npm ci (optional deps kept) before npx nx build $APP', () => {
    const build = file.stages.find((stage) => runs(stage).some((r) => /npx nx build "?\$\{?APP\}?"?/.test(r)));
    expect(build).toBeDefined();
    // The install may sit in a stage the build stage is built FROM (the shared dependency layer).
    const commands = chainInstructions(file, build as Stage)
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
    const ci = commands.findIndex((r) => /\bnpm ci\b/.test(r));
    const nx = commands.findIndex((r) => /npx nx build/.test(r));
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(ci).toBeLessThan(nx);
    // Nx's native binary is an optional dependency: the build must not drop optional packages.
    expect(commands.join('\n')).not.toMatch(/--omit[= ]optional|--no-optional/);
  });

  it('installs only production dependencies, from the package.json Nx generates in dist', () => {
    const depsStage = file.stages.find((stage) => runs(stage).some((r) => /--omit[= ]dev/.test(r)));
    expect(depsStage).toBeDefined();
    const manifestCopy = copies(depsStage as Stage).find((c) =>
      c.sources.some(
        (s) =>
          /^\/workspace\/dist\/apps\/\$\{?APP\}?\/package\*?\.json$/.test(s) ||
          /dist\/apps\/\$\{?APP\}?\/package/.test(s),
      ),
    );
    expect(manifestCopy).toBeDefined();
    // The runtime stage takes node_modules from that stage (or installs there itself).
    if (depsStage !== runtime) {
      expect(
        copies(runtime).some((c) => c.from === (depsStage as Stage).name && /node_modules/.test(c.sources.join(' '))),
      ).toBe(true);
    }
  });

  it('runs the bundle the way Nx builds it: WORKDIR holds dist/apps/$APP/, CMD node main.js', () => {
    const cmd = last(runtime, 'CMD');
    expect(cmd && execForm(cmd.args)).toEqual(['node', 'main.js']);
    expect(last(runtime, 'ENTRYPOINT')).toBeUndefined();

    const workdir = last(runtime, 'WORKDIR')?.args;
    expect(workdir).toBe('/app');
    const bundleCopy = copies(runtime).find((c) => c.sources.some((s) => /dist\/apps\/\$\{?APP\}?\/?$/.test(s)));
    expect(bundleCopy).toBeDefined();
    const copy = bundleCopy as NonNullable<typeof bundleCopy>;
    const destination = posix.resolve(workdirAt(runtime, copy.instruction), copy.destination);
    // `main.js` in CMD is relative to WORKDIR: the bundle directory must land exactly there.
    expect(destination).toBe(workdir);

    // And the Nx build really emits dist/apps/<app>/main.js plus its package.json, for every app:
    // each app's webpack.config.js calls the shared factory with its own name.
    const factory = readRootFile('tools', 'webpack', 'nest-app.webpack.js');
    expect(/join\(__dirname,\s*'\.\.\/\.\.\/dist\/apps',\s*appName\)/.test(factory)).toBe(true);
    expect(/generatePackageJson:\s*true/.test(factory)).toBe(true);
    expect(/main:\s*'\.\/src\/main\.ts'/.test(factory)).toBe(true);
    expect(/outputHashing:\s*'none'/.test(factory)).toBe(true);
    for (const { app } of SERVICES) {
      const webpack = readRootFile('apps', app, 'webpack.config.js');
      expect({
        app,
        output: /nest-app\.webpack'\)\('([^']+)'\)/.exec(webpack)?.[1],
      }).toEqual({ app, output: app });
    }
  });

  it('ships the built console in the gateway image, where the gateway looks for it', () => {
    // console-static.ts serves ../console from the bundle's folder: WORKDIR /app, so /console.
    const lookup = readRootFile('apps', 'api-gateway', 'src', 'app', 'console', 'console-static.ts');
    expect(lookup).toMatch(/resolve\(__dirname, '\.\.', 'console'\)/);
    expect(last(runtime, 'WORKDIR')?.args).toBe('/app');
    const build = file.stages.find((stage) => runs(stage).some((r) => /npx nx build console/.test(r)));
    expect(build).toBeDefined();
    const consoleBuild = runs(build as Stage).find((r) => /npx nx build console/.test(r)) as string;
    // Only in the gateway's image, copied whole into the folder the runtime stage takes from.
    expect(consoleBuild).toMatch(/"\$\{APP\}" = "api-gateway"/);
    expect(consoleBuild).toMatch(/cp -r dist\/apps\/console \/image-extra\/console/);
    expect(
      copies(runtime).some(
        (c) => c.from === (build as Stage).name && c.sources.join(' ') === '/image-extra/' && c.destination === '/',
      ),
    ).toBe(true);
  });

  it('runs in production mode as a non-root user, names the app for its health check and exposes a port', () => {
    const env = stageEnv(runtime);
    expect(env.get('NODE_ENV')).toBe('production');
    expect(env.get('DATALAKE_APP')).toMatch(/^\$\{?APP\}?$/);
    const user = last(runtime, 'USER')?.args ?? 'root';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(user).toMatch(/^(node|1000)(:(node|1000))?$/);
    expect(runtime.instructions.some((i) => i.keyword === 'EXPOSE')).toBe(true);
    const healthcheck = last(runtime, 'HEALTHCHECK');
    if (healthcheck) {
      expect(healthcheck.args).toContain('/usr/local/lib/datalake/healthcheck.js');
      expect(
        copies(runtime).some(
          (c) =>
            c.sources.includes('docker/healthcheck.js') && c.destination === '/usr/local/lib/datalake/healthcheck.js',
        ),
      ).toBe(true);
    }
  });

  it('leaves secrets out of the image', () => {
    for (const stage of file.stages) {
      for (const key of stageEnv(stage).keys()) {
        expect(key).not.toMatch(/SECRET|PASSWORD|MONGO_URI|TOKEN/);
      }
    }
  });
});

describe('the image checks catch what they are for (mutations of docker/Dockerfile)', () => {
  const original = () => readRootFile(DOCKERFILE);
  const mutated = (from: string | RegExp, to: string) => {
    const text = original();
    const changed = text.replace(from, to);
    expect(changed).not.toBe(text); // the mutation applies to the current recipe
    return parseDockerfile(changed);
  };
  const runtimeOf = (f: Dockerfile) => f.stages[f.stages.length - 1];

  it('an end-of-life or unpinned Node base fails', () => {
    expect(baseImageProblems(mutated(/ARG NODE_IMAGE=\S+/, 'ARG NODE_IMAGE=node:20.20.2-bookworm-slim'))).toHaveLength(
      2,
    );
    expect(baseImageProblems(mutated(/ARG NODE_IMAGE=\S+/, 'ARG NODE_IMAGE=node:24-bookworm-slim'))).toHaveLength(2);
  });

  it('ARG APP before the workspace npm ci, or the sources copied before it, fails', () => {
    const early = mutated('FROM toolchain AS deps\n', 'FROM toolchain AS deps\nARG APP\n');
    expect(sharedDependencyLayerProblems(early)).toEqual([expect.stringContaining('mentions APP before')]);
    const sources = mutated('COPY package.json package-lock.json ./', 'COPY . .');
    expect(sharedDependencyLayerProblems(sources)).toEqual([expect.stringContaining('copies . before npm ci')]);
  });

  it('a missing OCI label or one not from a build arg fails', () => {
    expect(
      ociLabelProblems(runtimeOf(mutated(/org\.opencontainers\.image\.revision="\$\{REVISION\}"/, 'x=y'))),
    ).toEqual([expect.stringContaining('image.revision')]);
    expect(ociLabelProblems(runtimeOf(mutated('ARG VERSION=0.0.0-dev\n', '')))).toEqual([
      expect.stringContaining('uses VERSION, not an ARG'),
    ]);
  });

  it('dev dependencies, or swagger-ui-dist in every image, fail', () => {
    const dev = mutated(
      /npm ci --omit=dev --no-audit --no-fund; \\\n\s*else npm install --omit=dev/,
      'npm ci --no-audit --no-fund; \\\n    else npm install',
    );
    expect(productionDependencyProblems(dev, runtimeOf(dev))).toEqual([expect.stringContaining('--omit=dev')]);
    const swagger = mutated(
      / \\\n && if \[ "\$\{APP\}" != "api-gateway" \]; then rm -rf node_modules\/swagger-ui-dist; fi/,
      '',
    );
    expect(productionDependencyProblems(swagger, runtimeOf(swagger))).toEqual([
      expect.stringContaining('swagger-ui-dist'),
    ]);
  });
});

describe('docker/healthcheck.js', () => {
  it('probes each app on its management port variable, with the .env.example default', () => {
    const script = readRootFile('docker/healthcheck.js');
    const envExample = readEnvExample();
    for (const { app, managementVar, managementPort } of SERVICES) {
      expect(script).toContain(`'${app}': ['${managementVar}', ${managementPort}]`);
      expect(envExample.get(managementVar)).toBe(String(managementPort));
    }
  });
});

describe('.dockerignore', () => {
  it('keeps local state, secrets and build output out of the context, and the build inputs in', () => {
    const lines = readRootFile('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const excluded of ['.git', '.env', 'dist', '.datalake', '.nx']) {
      expect(lines).toContain(excluded);
    }
    expect(lines.some((l) => /^(\*\*\/)?node_modules$/.test(l))).toBe(true);
    expect(lines).toContain('!docker/healthcheck.js');
    for (const needed of ['apps', 'libs', 'package.json', 'package-lock.json', 'nx.json', 'tsconfig.base.json']) {
      expect(lines).not.toContain(needed);
    }
  });
});

describe('hadolint', () => {
  let tools: ToolEnv;
  beforeAll(() => {
    tools = ensureTools('hadolint');
  }, INSTALL_TIMEOUT_MS);

  it('finds nothing to report in docker/Dockerfile', () => {
    const result = run(tools.HADOLINT, ['--no-color', DOCKERFILE]);
    expect({
      status: result.status,
      output: result.stdout + result.stderr,
    }).toEqual({ status: 0, output: '' });
  });
});
