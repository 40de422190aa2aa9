#!/usr/bin/env node
// Prints the fault suite's table (one aligned line per scenario) from the rows the scenarios wrote,
// and writes it as Markdown for the closing note. Usage: faults-table.js ROWS.ndjson TABLE.md
const { existsSync, readFileSync, writeFileSync } = require('node:fs');

const [rowsFile, tableFile] = process.argv.slice(2);
const rows = existsSync(rowsFile)
  ? readFileSync(rowsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : [];
const header = ['scenario', 'sent', 'acknowledged', 'stored', 'duplicates', 'lost', 'recovery s', 'took s', 'notes'];
const cells = rows.map((row) => [
  row.scenario,
  String(row.sent),
  String(row.acknowledged),
  String(row.stored),
  String(row.duplicates),
  String(row.lost),
  row.recoverySeconds === null ? '-' : row.recoverySeconds.toFixed(1),
  row.durationSeconds.toFixed(0),
  row.notes ?? '',
]);
const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i].length)));
const numeric = (i) => i > 0 && i < header.length - 1;
const format = (line) =>
  line
    .map((cell, i) => (numeric(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
    .join('  ')
    .trimEnd();

console.log(`fault table (${rows.length} scenario rows):`);
console.log(format(header));
for (const line of cells) console.log(format(line));

const markdown = [
  `| ${header.join(' | ')} |`,
  `| ${header.map((_, i) => (numeric(i) ? '---:' : '---')).join(' | ')} |`,
  ...cells.map((line) => `| ${line.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`),
].join('\n');
writeFileSync(tableFile, `${markdown}\n`);
