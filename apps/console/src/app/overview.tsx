import { useEffect, useState, useSyncExternalStore } from 'react';
import { api, ApiError, currentSession, queryOf, subscribe } from './api';
import { LineChart } from './chart';
import { type ApiRecord, cellText, RESOURCES, type ResourceView } from './resources';
import { Link } from './router';

interface Stats {
  interval: string;
  total: number;
  bySource: Record<string, number>;
  series: { start: string; count: number; bySource: Record<string, number> }[];
}

const RANGES = [
  { label: 'Last hour', hours: 1, interval: 'minute' },
  { label: 'Last 6 hours', hours: 6, interval: 'minute' },
  { label: 'Last 24 hours', hours: 24, interval: 'hour' },
  { label: 'Last 7 days', hours: 168, interval: 'day' },
] as const;

/** Live polling costs quota: every 30 s, paused when the tab is hidden or the quota runs low. */
const POLL_MS = 30_000;
const QUOTA_RESERVE = 15;

const timeLabel = (iso: string) => iso.slice(11, 16);
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function OverviewPage() {
  const session = useSyncExternalStore(subscribe, currentSession);
  const isAdmin = session?.role === 'admin';
  const [range, setRange] = useState(0);
  const [stats, setStats] = useState<Record<string, Stats | string>>({});
  useEffect(() => {
    const { hours, interval } = RANGES[range];
    const to = new Date();
    const from = new Date(to.getTime() - hours * 3_600_000);
    let live = true;
    for (const view of RESOURCES) {
      api<Stats>(`/${view.resource}/stats${queryOf({ from: from.toISOString(), to: to.toISOString(), interval })}`)
        .then((answer) => live && setStats((all) => ({ ...all, [view.resource]: answer })))
        .catch((error) => live && setStats((all) => ({ ...all, [view.resource]: errorText(error) })));
    }
    return () => {
      live = false;
    };
  }, [range]);

  const loaded = RESOURCES.map((view) => stats[view.resource]).filter((s): s is Stats => typeof s === 'object');
  const labels = loaded[0]?.series.map((bucket) => timeLabel(bucket.start)) ?? [];
  return (
    <>
      <h1>Overview</h1>
      <label htmlFor="range">Time range</label>{' '}
      <select id="range" value={range} onChange={(e) => setRange(Number(e.target.value))}>
        {RANGES.map((r, index) => (
          <option key={r.label} value={index}>
            {r.label}
          </option>
        ))}
      </select>
      <section aria-label="Records per topic">
        <LineChart
          title={`Records per ${loaded[0]?.interval ?? 'minute'} by topic`}
          labels={labels}
          series={RESOURCES.flatMap((view) => {
            const s = stats[view.resource];
            return typeof s === 'object' ? [{ name: view.title, values: s.series.map((b) => b.count) }] : [];
          })}
        />
        <div className="charts">
          {RESOURCES.map((view) => (
            <SourceChart key={view.resource} view={view} stats={stats[view.resource]} />
          ))}
        </div>
      </section>
      <section aria-label="Totals">
        <h2>Totals</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Topic</th>
              <th scope="col">Records</th>
              <th scope="col">By source</th>
            </tr>
          </thead>
          <tbody>
            {RESOURCES.map((view) => {
              const s = stats[view.resource];
              return (
                <tr key={view.resource}>
                  <td>{view.title}</td>
                  <td>{typeof s === 'object' ? s.total : (s ?? '…')}</td>
                  <td>
                    {typeof s === 'object'
                      ? Object.entries(s.bySource)
                          .map(([kind, n]) => `${kind}: ${n}`)
                          .join(', ')
                      : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      {isAdmin ? <DeadLetterCounts /> : <p>Dead-letter counts and service health are shown to admins.</p>}
      <NewestRecords />
      {isAdmin && <ServiceHealth />}
    </>
  );
}

function SourceChart(props: { view: ResourceView; stats: Stats | string | undefined }) {
  const { view, stats } = props;
  if (stats === undefined) return <p>Loading {view.title}…</p>;
  if (typeof stats === 'string') return <p role="alert">{`${view.title} statistics: ${stats}`}</p>;
  const kinds = Object.keys(stats.bySource);
  return (
    <LineChart
      title={`${view.title} by source`}
      labels={stats.series.map((b) => timeLabel(b.start))}
      series={kinds.map((kind) => ({ name: kind, values: stats.series.map((b) => b.bySource[kind] ?? 0) }))}
    />
  );
}

interface DeadLetterCountsAnswer {
  counts: { pending: number; replayed: number; discarded: number };
}

function DeadLetterCounts() {
  const [counts, setCounts] = useState<Record<string, DeadLetterCountsAnswer['counts'] | string>>({});
  useEffect(() => {
    for (const view of RESOURCES) {
      api<DeadLetterCountsAnswer>(`/dead-letters/${view.topic}?limit=1`)
        .then((answer) => setCounts((all) => ({ ...all, [view.topic]: answer.counts })))
        .catch((error) => setCounts((all) => ({ ...all, [view.topic]: errorText(error) })));
    }
  }, []);
  return (
    <section aria-label="Dead letters per topic">
      <h2>Dead letters per topic</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Topic</th>
            <th scope="col">Pending</th>
            <th scope="col">Replayed</th>
            <th scope="col">Discarded</th>
          </tr>
        </thead>
        <tbody>
          {RESOURCES.map((view) => {
            const c = counts[view.topic];
            return (
              <tr key={view.topic}>
                <td>
                  <Link to={`dead-letters?topic=${view.topic}`}>{view.topic}</Link>
                </td>
                {typeof c === 'object' ? (
                  <>
                    <td>{c.pending}</td>
                    <td>{c.replayed}</td>
                    <td>{c.discarded}</td>
                  </>
                ) : (
                  <td colSpan={3}>{c ?? '…'}</td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function NewestRecords() {
  const [rows, setRows] = useState<{ view: ResourceView; record: ApiRecord }[]>([]);
  const [live, setLive] = useState(true);
  const [note, setNote] = useState('');
  useEffect(() => {
    let stopped = false;
    const load = async () => {
      const pages = await Promise.all(
        RESOURCES.map((view) =>
          api<{ items: ApiRecord[] }>(`/${view.resource}?limit=5`)
            .then((page) => page.items.map((record) => ({ view, record })))
            .catch(() => []),
        ),
      );
      if (stopped) return;
      const merged = pages
        .flat()
        .sort((a, b) => String(b.record['ingestedAt']).localeCompare(String(a.record['ingestedAt'])));
      setRows(merged.slice(0, 10));
    };
    void load();
    if (!live) return undefined;
    const timer = setInterval(() => {
      const quota = Number(document.querySelector('[data-testid="quota"]')?.textContent?.replace(/\D+/g, '') ?? '');
      if (document.hidden) return;
      if (Number.isFinite(quota) && quota > 0 && quota < QUOTA_RESERVE) {
        setNote(`Live updates paused: fewer than ${QUOTA_RESERVE} requests left this hour.`);
        return;
      }
      setNote('');
      void load().catch((error) => setNote(error instanceof ApiError ? error.message : String(error)));
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [live]);
  return (
    <section aria-label="Newest records">
      <h2>Newest records</h2>
      <label>
        <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live updates (every{' '}
        {POLL_MS / 1000} s)
      </label>
      {note && <p role="status">{note}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Id</th>
            <th scope="col">Timestamp</th>
            <th scope="col">Ingested at</th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ view, record }) => (
            <tr key={`${view.resource}/${record.id}`}>
              <td>{view.title}</td>
              <td>
                <Link to={`${view.resource}/${encodeURIComponent(record.id)}`}>{record.id}</Link>
              </td>
              <td>{cellText(record, 'timestamp')}</td>
              <td>{cellText(record, 'ingestedAt')}</td>
              <td>{cellText(record, 'source')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ServiceHealth() {
  const [services, setServices] = useState<{ name: string; status: string; checkedAt?: string }[] | string>();
  useEffect(() => {
    api<{ services: { name: string; status: string; checkedAt?: string }[] }>('/admin/services')
      .then((answer) => setServices(answer.services))
      .catch((error) => setServices(errorText(error)));
  }, []);
  return (
    <section aria-label="Service health">
      <h2>Service health</h2>
      {typeof services === 'string' ? (
        <p role="alert">{services}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Status</th>
              <th scope="col">Checked at</th>
            </tr>
          </thead>
          <tbody>
            {(services ?? []).map((service) => (
              <tr key={service.name}>
                <td>{service.name}</td>
                <td className={service.status === 'up' ? 'up' : 'down'}>{service.status}</td>
                <td>{service.checkedAt ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
