/**
 * Clone-by-example: gives a new service every per-service piece of a configuration file by copying
 * the pieces that belong to an example service (renamed), next to them. No template of today's
 * manifests lives here, so a piece added to the example service later is cloned for free.
 *
 * A "piece" is the largest unit around a mention of the example that mentions no other service:
 * a YAML document (between `---` lines), an indentation block (a compose service, a list item, a
 * TS object literal with its closing bracket) or a single line. A line that lists the example
 * beside other services (`APPS=(… transactions-consumer …)`, `a|b|transactions-consumer`,
 * `['…', 'transactions-consumer']`, a `| 'x'` union member) gets the new name added after the
 * example's, with the same separator.
 */
export interface Example {
  /** Matches a mention of the example service (any spelling of its name, its ports). */
  mentions: RegExp;
  /** Matches a mention of any other service: a line naming one lists services. */
  siblings: RegExp;
  /**
   * Matches a mention of a service of the example's kind (another consumer): a block naming one is
   * shared. Other services may appear in the example's own pieces (the gateway in its NetworkPolicy).
   */
  peers: RegExp;
  /** The example's text renamed for the new service. */
  rename: (text: string) => string;
}

export interface CloneOptions {
  /** YAML: a document between `---` lines may be cloned whole. */
  yaml?: boolean;
  /** Markdown: only table rows and lines listing services are touched. */
  markdown?: boolean;
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const isBlank = (line: string) => line.trim() === '';
const isComment = (line: string) => /^\s*(#|\/\/|\*|\/\*)/.test(line);
const test = (pattern: RegExp, text: string) => new RegExp(pattern.source, pattern.flags.replace('g', '')).test(text);

/** Last line of the block headed by `start`: deeper-indented lines after it, and a closing bracket. */
function blockEnd(lines: string[], start: number, last: number): number {
  const indent = indentOf(lines[start]);
  let end = start;
  for (let i = start + 1; i <= last; i++) {
    if (isBlank(lines[i])) continue;
    if (indentOf(lines[i]) > indent) end = i;
    else {
      if (indentOf(lines[i]) === indent && /^[}\])]/.test(lines[i].trim()) && end > start) end = i;
      break;
    }
  }
  return end;
}

/** The header of the block enclosing `start` (the nearest earlier line with less indent), or -1. */
function parentOf(lines: string[], start: number, first: number): number {
  const indent = indentOf(lines[start]);
  for (let i = start - 1; i >= first; i--) {
    if (!isBlank(lines[i]) && !isComment(lines[i]) && indentOf(lines[i]) < indent) return i;
  }
  return -1;
}

/** `[first, last]` line ranges of the YAML documents (without their `---` lines). */
function documents(lines: string[], yaml: boolean): [number, number][] {
  if (!yaml) return [[0, lines.length - 1]];
  const ranges: [number, number][] = [];
  let first = 0;
  lines.forEach((line, i) => {
    if (line.trim() === '---') {
      if (i > first) ranges.push([first, i - 1]);
      first = i + 1;
    }
  });
  if (first < lines.length) ranges.push([first, lines.length - 1]);
  // Trailing blank lines (the file's final newline) are not part of a document.
  return ranges.map(([from, to]) => {
    while (to > from && isBlank(lines[to])) to--;
    return [from, to];
  });
}

/** Adds the renamed item after each listed example item of a line (idempotent). */
export function addToList(line: string, example: Example, union = false): string {
  const token = /(['"`]?)([^\s,|()[\]{};'"`=]+?)[.:]?\1(?=$|[\s,|()[\]{};=])/g;
  const items = [...line.matchAll(token)].map((m) => ({ text: `${m[1]}${m[2]}${m[1]}`, start: m.index ?? 0 }));
  let result = line;
  for (let k = items.length - 1; k >= 0; k--) {
    const item = items[k];
    if (!test(example.mentions, item.text) || test(example.siblings, item.text)) continue;
    const copy = example.rename(item.text);
    if (copy === item.text || items.some((other) => other.text === copy)) continue;
    const previous = items[k - 1];
    const next = items[k + 1];
    const end = item.start + item.text.length;
    let separator = union ? ' | ' : ' ';
    if (!union && previous) separator = line.slice(previous.start + previous.text.length, item.start);
    else if (!union && next) separator = line.slice(end, next.start);
    result = result.slice(0, end) + separator + copy + result.slice(end);
  }
  return result;
}

/** The file with the new service's pieces cloned beside the example's; unchanged when there are none. */
export function cloneByExample(text: string, example: Example, options: CloneOptions = {}): string {
  const lines = text.split('\n');
  const edits = new Map<number, string[]>();
  const replaced = new Map<number, string>();
  const taken: [number, number][] = [];
  const mentions = (from: number, to: number) => test(example.mentions, lines.slice(from, to + 1).join('\n'));
  const siblings = (from: number, to: number) => test(example.siblings, lines.slice(from, to + 1).join('\n'));
  const peers = (from: number, to: number) => test(example.peers, lines.slice(from, to + 1).join('\n'));

  for (const [first, last] of documents(lines, options.yaml ?? false)) {
    for (let i = first; i <= last; i++) {
      if (!test(example.mentions, lines[i]) || taken.some(([a, b]) => i >= a && i <= b)) continue;
      const line = lines[i];
      const row = options.markdown && line.trimStart().startsWith('|');
      if (options.markdown && !row && !siblings(i, i)) continue;
      // A comment is prose about the example, not a piece of it (one above a piece moves with it).
      if (!options.markdown && isComment(line)) continue;
      const union = !options.markdown && /^\s*\|\s/.test(line);
      // A table row is the example's unless it names a peer (other services may fill its cells).
      if ((row ? peers(i, i) : siblings(i, i)) || union) {
        const listed = addToList(line, example, union);
        if (listed !== line) replaced.set(i, listed);
        taken.push([i, i]);
        continue;
      }
      // Grow the piece while it mentions no other service: block, enclosing block, whole document.
      let start = i;
      let end = options.markdown ? i : blockEnd(lines, i, last);
      let whole = false;
      while (!options.markdown) {
        const parent = parentOf(lines, start, first);
        if (parent === -1) {
          if (options.yaml && (first > 0 || last < lines.length - 1) && !peers(first, last)) {
            [start, end, whole] = [first, last, true];
          }
          break;
        }
        const parentEnd = blockEnd(lines, parent, last);
        if (peers(parent, parentEnd)) break;
        [start, end] = [parent, parentEnd];
      }
      // Comments just above that speak of the example belong to it.
      while (!whole && start > first && isComment(lines[start - 1]) && mentions(start - 1, start - 1)) {
        if (peers(start - 1, start - 1)) break;
        start--;
      }
      taken.push([start, end]);
      const copy = lines.slice(start, end + 1).map(example.rename);
      if (text.includes(copy.join('\n'))) continue;
      // Blank-line-separated pieces (compose services) stay separated.
      const separated = end > start && isBlank(lines[end + 1] ?? 'x') && (start === first || isBlank(lines[start - 1]));
      const spaced = whole ? ['---'] : separated ? [''] : [];
      edits.set(end, [...spaced, ...copy]);
    }
  }
  if (edits.size === 0 && replaced.size === 0) return text;
  const out: string[] = [];
  lines.forEach((line, i) => {
    out.push(replaced.get(i) ?? line);
    out.push(...(edits.get(i) ?? []));
  });
  return out.join('\n');
}
