import { type FormEvent, useState } from 'react';
import { api } from './api';
import type { ResourceView } from './resources';

interface IngestResult {
  accepted: number;
  rejected: number;
  errors: { index: number; code: string; message: string }[];
}

/** Splits one CSV line (RFC 4180 quotes; no line breaks inside a field). */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

/** A CSV file (header row) as JSON records; empty cells left out, integer columns as numbers. */
export function csvToRecords(text: string, integerFields: readonly string[]): Record<string, unknown>[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  if (lines.length === 0) return [];
  const header = csvCells(lines[0]).map((name) => name.trim());
  return lines.slice(1).map((line) => {
    const cells = csvCells(line);
    const record: Record<string, unknown> = {};
    header.forEach((name, index) => {
      const value = cells[index];
      if (value === undefined || value === '') return;
      record[name] = integerFields.includes(name) && /^-?\d+$/.test(value) ? Number(value) : value;
    });
    return record;
  });
}

/**
 * Uploads a CSV, JSON or NDJSON file to POST /ingest/<topic>: JSON and NDJSON go as they are
 * (the API reads both), CSV is turned into a JSON array here.
 */
export function UploadPanel(props: { view: ResourceView; onIngested: () => void }) {
  const { view } = props;
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<IngestResult | null>(null);
  const [error, setError] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError('');
    setResult(null);
    try {
      const text = await file.text();
      const name = file.name.toLowerCase();
      const answer = name.endsWith('.csv')
        ? await api<IngestResult>(`/ingest/${view.topic}`, { json: csvToRecords(text, view.integerFields) })
        : await api<IngestResult>(`/ingest/${view.topic}`, {
            body: text,
            contentType:
              name.endsWith('.ndjson') || name.endsWith('.jsonl') ? 'application/x-ndjson' : 'application/json',
          });
      setResult(answer);
      props.onIngested();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <section aria-label="Upload a file">
      <h2>Upload a file</h2>
      <form onSubmit={submit}>
        <label>
          File to ingest (CSV, JSON or NDJSON)
          <input
            type="file"
            accept=".csv,.json,.ndjson,.jsonl"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        <button type="submit" disabled={!file}>
          Upload
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
      {result && (
        <div role="status">
          <p>
            Accepted: {result.accepted}, rejected: {result.rejected}
          </p>
          {result.errors.length > 0 && (
            <table aria-label="Rejected records">
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  <th scope="col">Code</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {result.errors.map((e) => (
                  <tr key={`${e.index}-${e.code}`}>
                    <td>{e.index + 1}</td>
                    <td>{e.code}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
