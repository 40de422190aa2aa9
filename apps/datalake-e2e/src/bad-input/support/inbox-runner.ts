import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sleep } from '../../support/api';
import type { InboxCase, InboxDrop, InboxExpectation, InboxOutcome } from '../cases/inbox.cases';

/** Where a dropped file ended up, and its report when it has one. */
export interface InboxObservation {
  drop: InboxDrop;
  outcome: InboxOutcome | 'still in the inbox';
  movedTo?: string;
  reportText?: string;
}

/** Writes one case's file into `<inbox>/<topic>/` (whole, then renamed in, as a careful writer does). */
export function dropFile(inboxDir: string, drop: InboxDrop): void {
  const dir = join(inboxDir, drop.topic);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, drop.name);
  if (drop.symlinkTo) {
    let linked: string;
    if ('path' in drop.symlinkTo) linked = drop.symlinkTo.path;
    else {
      linked = join(mkdtempSync(join(tmpdir(), 'bad-input-target-')), 'target.csv');
      writeFileSync(linked, drop.symlinkTo.content);
    }
    symlinkSync(linked, target);
    return;
  }
  if (drop.fifo) {
    execFileSync('mkfifo', [target]);
    return;
  }
  const staging = join(dir, `.${drop.name}.tmp`);
  if (drop.sqlite) {
    const db = new Database(staging);
    for (const statement of drop.sqlite) db.exec(statement);
    db.close();
  } else {
    writeFileSync(staging, drop.content ?? '');
  }
  renameSync(staging, target);
}

function observe(inboxDir: string, drop: InboxDrop): InboxObservation {
  const dir = join(inboxDir, drop.topic);
  for (const outcome of ['processed', 'failed'] as const) {
    const sub = join(dir, outcome);
    const names = existsSync(sub) ? readdirSync(sub) : [];
    const stem = drop.name.replace(/\.[^.]+$/, '');
    const moved = names.find(
      (name) => name === drop.name || (name.startsWith(`${stem}.`) && !/\.(report|error)\.json$/.test(name)),
    );
    if (moved) {
      const movedTo = join(sub, moved);
      const reportPath = [`${movedTo}.report.json`, `${movedTo}.error.json`].find((path) => existsSync(path));
      return { drop, outcome, movedTo, reportText: reportPath ? readFileSync(reportPath, 'utf8') : undefined };
    }
  }
  return { drop, outcome: existsSync(join(dir, drop.name)) ? 'still in the inbox' : 'ignored' };
}

/**
 * Drops every case's file at once, then waits until each one expected to leave the inbox has left
 * it (with its report, when one is documented) or the time is up.
 */
export async function dropAndWait(
  inboxDir: string,
  tag: string,
  cases: readonly InboxCase[],
  timeoutMs: number,
): Promise<Map<string, InboxObservation>> {
  const drops = new Map(cases.map((testCase) => [testCase.id, testCase.drop(tag)]));
  for (const drop of drops.values()) dropFile(inboxDir, drop);
  const deadline = Date.now() + timeoutMs;
  let observed = new Map<string, InboxObservation>();
  for (;;) {
    observed = new Map(cases.map((testCase) => [testCase.id, observe(inboxDir, drops.get(testCase.id) as InboxDrop)]));
    const settled = cases.every((testCase) => {
      const seen = observed.get(testCase.id) as InboxObservation;
      if (testCase.expect.outcome.includes('ignored') && testCase.expect.outcome.length === 1) return true;
      return seen.outcome !== 'still in the inbox' && (!testCase.expect.report || seen.reportText !== undefined);
    });
    if (settled || Date.now() > deadline) break;
    await sleep(500);
  }
  // A file left in place counts as ignored only for the cases that document it.
  for (const testCase of cases) {
    const seen = observed.get(testCase.id) as InboxObservation;
    if (seen.outcome === 'still in the inbox' && testCase.expect.outcome.includes('ignored')) seen.outcome = 'ignored';
  }
  return observed;
}

/** Matches DLQ codes to their expected entries (each entry: one code or alternatives); '' = as documented. */
export function dlqCodeProblems(expected: readonly (string | readonly string[])[], actual: string[]): string[] {
  const left = [...actual];
  const missing: string[] = [];
  for (const entry of expected) {
    const alternatives = typeof entry === 'string' ? [entry] : entry;
    const at = left.findIndex((code) => alternatives.includes(code));
    if (at === -1) missing.push(alternatives.join('|'));
    else left.splice(at, 1);
  }
  const problems: string[] = [];
  if (missing.length > 0)
    problems.push(`DLQ entries missing: ${missing.join(', ')} (found: ${actual.join(', ') || 'none'})`);
  if (left.length > 0) problems.push(`unexpected DLQ entries: ${left.join(', ')}`);
  return problems;
}

export interface InboxFacts {
  observation: InboxObservation;
  storedTransactions?: number;
  dlqCodes: string[];
  ingestLog: string;
}

/** Compares what happened to a dropped file with its documented answer; empty = as documented. */
export function inboxProblems(expectation: InboxExpectation, facts: InboxFacts): string[] {
  const problems: string[] = [];
  const { observation } = facts;
  if (!expectation.outcome.includes(observation.outcome as InboxOutcome)) {
    problems.push(
      `file is ${observation.outcome}, documented: ${expectation.outcome.join(' or ')}${observation.reportText ? `; report: ${observation.reportText.slice(0, 400)}` : ''}`,
    );
  }
  if (expectation.report) {
    if (observation.reportText === undefined) problems.push('no report beside the file');
    else {
      const report = observation.reportText;
      if (!report.includes(observation.drop.name))
        problems.push(`the report does not name the file ${observation.drop.name}`);
      for (const pattern of expectation.reportMatches ?? []) {
        if (!pattern.test(report)) problems.push(`the report does not match ${pattern}: ${report.slice(0, 400)}`);
      }
      for (const text of expectation.reportMustNotContain ?? []) {
        if (report.includes(text)) problems.push(`the report quotes ${JSON.stringify(text)} from the link's target`);
      }
    }
  }
  if (expectation.storedTransactions !== undefined && facts.storedTransactions !== expectation.storedTransactions) {
    problems.push(`${facts.storedTransactions} transactions stored, documented ${expectation.storedTransactions}`);
  }
  if (expectation.dlqCodes) problems.push(...dlqCodeProblems(expectation.dlqCodes, facts.dlqCodes));
  if (expectation.logLine) {
    const line = facts.ingestLog
      .split('\n')
      .find((text) => text.includes(observation.drop.name) && expectation.logLine?.test(text));
    if (!line) problems.push(`no ingest log line about ${observation.drop.name} matching ${expectation.logLine}`);
  }
  return problems;
}
