import { type FormEvent, useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { api, currentSession, download, queryOf, subscribe } from './api';
import { type ApiRecord, cellText, type RecordPage, type ResourceView } from './resources';
import { Link } from './router';
import { UploadPanel } from './upload';

const PAGE_SIZE = 20;
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
/** A datetime-local value (local time) as ISO 8601, or undefined when empty. */
const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function BrowsePage(props: { view: ResourceView }) {
  const { view } = props;
  const session = useSyncExternalStore(subscribe, currentSession);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [filter, setFilter] = useState<Record<string, string>>({});
  const [items, setItems] = useState<ApiRecord[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');

  const query = useCallback(
    () => ({
      ...Object.fromEntries(view.filters.map((name) => [name, filter[name]])),
      from: isoOf(filter['from'] ?? ''),
      to: isoOf(filter['to'] ?? ''),
    }),
    [filter, view],
  );

  const load = useCallback(
    async (cursor?: string) => {
      setError('');
      try {
        const page = await api<RecordPage>(`/${view.resource}${queryOf({ ...query(), limit: PAGE_SIZE, cursor })}`);
        setItems((old) => (cursor ? [...old, ...page.items] : page.items));
        setNext(page.nextCursor);
      } catch (failure) {
        setError(errorText(failure));
      }
    },
    [query, view],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter({ ...draft });
  };
  const exportAs = async (format: 'csv' | 'ndjson') => {
    setStatus('');
    try {
      const name = await download(
        `/${view.resource}/export${queryOf({ ...query(), format })}`,
        `${view.resource}.${format}`,
      );
      setStatus(`Downloaded ${name}`);
    } catch (failure) {
      setError(`Export failed: ${errorText(failure)}`);
    }
  };

  return (
    <>
      <h1>{view.title}</h1>
      <form className="filters" onSubmit={apply} aria-label="Filters">
        {view.filters.map((name) => (
          <label key={name}>
            {name}
            <input value={draft[name] ?? ''} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} />
          </label>
        ))}
        <label>
          From
          <input
            type="datetime-local"
            value={draft['from'] ?? ''}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </label>
        <label>
          To
          <input
            type="datetime-local"
            value={draft['to'] ?? ''}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </label>
        <button type="submit">Apply filters</button>
        <button type="button" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => void exportAs('ndjson')}>
          Export NDJSON
        </button>
      </form>
      {status && <p role="status">{status}</p>}
      {error && <p role="alert">{error}</p>}
      <table aria-label={`${view.title} records`}>
        <thead>
          <tr>
            {view.columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((record) => (
            <tr key={record.id}>
              {view.columns.map((column, index) => (
                <td key={column}>
                  {index === 0 ? (
                    <Link to={`${view.resource}/${encodeURIComponent(record.id)}`}>{cellText(record, column)}</Link>
                  ) : (
                    cellText(record, column)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {items.length} shown.{' '}
        {next && (
          <button type="button" onClick={() => void load(next)}>
            Load more
          </button>
        )}
      </p>
      {session?.role === 'admin' && <UploadPanel view={view} onIngested={() => void load()} />}
    </>
  );
}
