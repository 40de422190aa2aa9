/** A small Dockerfile reader: enough to check the recipe's stages and runtime settings offline. */

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  args: string;
  line: number;
}

export interface Stage {
  /** `AS name`, or the index as a string. */
  name: string;
  /** The FROM image as written (may reference an ARG). */
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Map<string, string | undefined>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  let current: Instruction | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (!current && (trimmed === '' || trimmed.startsWith('#'))) continue;
    if (current && trimmed.startsWith('#')) continue; // comment lines inside a continuation
    const continued = /\\\s*$/.test(raw);
    const content = continued ? raw.replace(/\\\s*$/, '') : raw;
    if (!current) {
      const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(content);
      if (!match) throw new Error(`Dockerfile line ${i + 1}: cannot parse "${raw}"`);
      current = {
        keyword: match[1].toUpperCase(),
        args: match[2].trim(),
        line: i + 1,
      };
    } else {
      current.args = `${current.args} ${content.trim()}`.trim();
    }
    if (!continued) {
      instructions.push(current);
      current = undefined;
    }
  }
  if (current) instructions.push(current);

  const globalArgs = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match) throw new Error(`Dockerfile line ${instruction.line}: bad FROM "${instruction.args}"`);
      stages.push({
        name: match[2] ?? String(stages.length),
        from: match[1],
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') {
        throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} before the first FROM`);
      }
      const [name, value] = splitArg(instruction.args);
      globalArgs.set(name, value);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

function splitArg(args: string): [string, string | undefined] {
  const eq = args.indexOf('=');
  return eq < 0 ? [args.trim(), undefined] : [args.slice(0, eq).trim(), unquote(args.slice(eq + 1).trim())];
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** The FROM image with `${ARG}` replaced by the global ARG defaults. */
export function resolveFrom(file: Dockerfile, stage: Stage): string {
  return stage.from.replace(
    /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
    (whole, name: string) => file.globalArgs.get(name) ?? whole,
  );
}

/** Parses an exec-form instruction (`CMD ["node", "main.js"]`); undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  const json = args.replace(/^--\S+\s+/g, '');
  if (!json.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) return undefined;
  return parsed as string[];
}

/** ENV key=value pairs of a stage, in order (later ones win). Supports quoted values. */
export function stageEnv(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const instruction of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    const pattern = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
    let match: RegExpExecArray | null;
    let found = false;
    while ((match = pattern.exec(instruction.args))) {
      env.set(match[1], unquote(match[2]));
      found = true;
    }
    if (!found) {
      // Legacy form: ENV KEY value
      const legacy = /^(\S+)\s+(.*)$/.exec(instruction.args);
      if (legacy) env.set(legacy[1], legacy[2]);
    }
  }
  return env;
}

/** The last value of a single-valued instruction in a stage (WORKDIR, USER, CMD, ...). */
export function last(stage: Stage, keyword: string): Instruction | undefined {
  return [...stage.instructions].reverse().find((i) => i.keyword === keyword);
}

/** Resolves a path against the stage's WORKDIRs in effect at an instruction. */
export function workdirAt(stage: Stage, instruction: Instruction): string {
  let dir = '/';
  for (const i of stage.instructions) {
    if (i === instruction) break;
    if (i.keyword === 'WORKDIR') dir = i.args.startsWith('/') ? i.args : `${dir.replace(/\/$/, '')}/${i.args}`;
  }
  return dir;
}

export interface Copy {
  instruction: Instruction;
  from?: string;
  sources: string[];
  destination: string;
}

export function copies(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((instruction) => {
      const words = instruction.args.split(/\s+/);
      let from: string | undefined;
      const rest: string[] = [];
      for (const word of words) {
        const flag = /^--from=(.+)$/.exec(word);
        if (flag) from = flag[1];
        else if (!word.startsWith('--')) rest.push(word);
      }
      const destination = rest.pop() ?? '';
      return { instruction, from, sources: rest, destination };
    });
}
