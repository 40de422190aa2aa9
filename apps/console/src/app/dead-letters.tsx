import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { api, currentSession, queryOf, subscribe } from './api';
import { RESOURCES } from './resources';

interface DeadLetter {
  id: string;
  originalTopic: string;
  /** Null for a row refused at its source (file, SQLite, syslog): it never reached the topic. */
  partition: number | null;
  offset: string | number | null;
  reasonCode: string;
  reasonMessage: string;
  source: { kind?: string; name?: string } | null;
  failedAt: string;
  payloadPreview: string;
  status: 'pending' | 'replayed' | 'discarded';
  replayCount?: number;
}

interface DeadLetterPage {
  items: DeadLetter[];
  nextCursor: string | null;
  counts: { pending: number; replayed: number; discarded: number };
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
const initialTopic = () => new URLSearchParams(window.location.search).get('topic') ?? RESOURCES[0].topic;

/** Admins: refused messages per topic, newest first; replay, fix-and-replay one, discard. */
export function DeadLettersPage() {
  const session = useSyncExternalStore(subscribe, currentSession);
  if (session?.role !== 'admin') {
    return (
      <>
        <h1>Dead letters</h1>
        <p>Dead letters are shown to admins only.</p>
      </>
    );
  }
  return <DeadLetterBrowser />;
}

function DeadLetterBrowser() {
  const [topic, setTopic] = useState(initialTopic);
  const [status, setStatus] = useState('pending');
  const [page, setPage] = useState<DeadLetterPage | null>(null);
  const [items, setItems] = useState<DeadLetter[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');

  const load = useCallback(
    async (cursor?: string) => {
      setError('');
      try {
        const answer = await api<DeadLetterPage>(`/dead-letters/${topic}${queryOf({ limit: 50, status, cursor })}`);
        setPage(answer);
        setItems((old) => (cursor ? [...old, ...answer.items] : answer.items));
      } catch (failure) {
        setError(errorText(failure));
      }
    },
    [topic, status],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const replay = async (body: Record<string, unknown>) => {
    setMessage('');
    try {
      const answer = await api<{ replayed: number; skipped: { id: string; reason: string }[] }>(
        `/dead-letters/${topic}/replay`,
        { method: 'POST', json: body },
      );
      const skipped = answer.skipped.map((s) => `${s.id}: ${s.reason}`).join(', ');
      setMessage(`Replayed ${answer.replayed}${skipped ? `; skipped ${skipped}` : ''}.`);
      setOpen(null);
      await load();
    } catch (failure) {
      setMessage(`Replay failed: ${errorText(failure)}`);
    }
  };
  const discard = async (id: string) => {
    try {
      await api(`/dead-letters/${topic}/${encodeURIComponent(id)}/discard`, { method: 'POST' });
      setMessage(`Discarded ${id}.`);
      setOpen(null);
      await load();
    } catch (failure) {
      setMessage(`Discard failed: ${errorText(failure)}`);
    }
  };

  return (
    <>
      <h1>Dead letters</h1>
      <div className="filters">
        <label>
          Topic
          <select value={topic} onChange={(e) => setTopic(e.target.value)}>
            {RESOURCES.map((view) => (
              <option key={view.topic} value={view.topic}>
                {view.topic}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="pending">pending</option>
            <option value="replayed">replayed</option>
            <option value="discarded">discarded</option>
            <option value="">all</option>
          </select>
        </label>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {page && (
        <p>
          Pending {page.counts.pending}, replayed {page.counts.replayed}, discarded {page.counts.discarded}.
        </p>
      )}
      {message && <p role="status">{message}</p>}
      {error && <p role="alert">{error}</p>}
      <table aria-label="Dead letters">
        <thead>
          <tr>
            <th scope="col">Failed at</th>
            <th scope="col">Reason</th>
            <th scope="col">Message</th>
            <th scope="col">Origin</th>
            <th scope="col">Source</th>
            <th scope="col">Payload</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {items.map((letter) => (
            <tr key={letter.id}>
              <td className="code">{letter.failedAt}</td>
              <td className="code">{letter.reasonCode}</td>
              <td>{letter.reasonMessage}</td>
              <td>
                {letter.originalTopic}
                {/* A row refused at ingest (file, SQLite, syslog) never reached the topic: no position. */}
                {typeof letter.partition === 'number' && letter.offset !== null && letter.offset !== undefined
                  ? ` [${letter.partition}] @${String(letter.offset)}`
                  : ' (refused at ingest)'}
              </td>
              <td>{letter.source ? [letter.source.kind, letter.source.name].filter(Boolean).join(':') : ''}</td>
              <td>
                <code>{letter.payloadPreview}</code>
              </td>
              <td className="code">{letter.status}</td>
              <td>
                {/* The id (partition-offset-time) is long: shown as a tooltip, kept in the accessible name. */}
                <button
                  type="button"
                  aria-label={`Open ${letter.id}`}
                  title={letter.id}
                  onClick={() => setOpen(open === letter.id ? null : letter.id)}
                >
                  Open
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page?.nextCursor && (
        <button type="button" onClick={() => void load(page.nextCursor ?? undefined)}>
          Load more
        </button>
      )}
      {items.some((l) => l.status === 'pending') && status === 'pending' && (
        <p>
          <button
            type="button"
            onClick={() => void replay({ ids: items.filter((l) => l.status === 'pending').map((l) => l.id) })}
          >
            Replay all shown
          </button>
        </p>
      )}
      {open && <DeadLetterDetail key={open} topic={topic} id={open} onReplay={replay} onDiscard={discard} />}
    </>
  );
}

function DeadLetterDetail(props: {
  topic: string;
  id: string;
  onReplay: (body: Record<string, unknown>) => Promise<void>;
  onDiscard: (id: string) => Promise<void>;
}) {
  const { topic, id } = props;
  const [letter, setLetter] = useState<(DeadLetter & { payload: string; headers: Record<string, string> }) | null>(
    null,
  );
  const [payload, setPayload] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    api<DeadLetter & { payload: string; headers: Record<string, string> }>(
      `/dead-letters/${topic}/${encodeURIComponent(id)}`,
    )
      .then((answer) => {
        setLetter(answer);
        setPayload(answer.payload);
      })
      .catch((failure) => setError(errorText(failure)));
  }, [topic, id]);
  const fixAndReplay = () => {
    let corrected: unknown = payload;
    try {
      corrected = JSON.parse(payload);
    } catch {
      // not JSON: replayed as the text it is
    }
    void props.onReplay({ ids: [id], payload: corrected });
  };
  return (
    <section aria-label="Dead letter">
      <h2>Dead letter {id}</h2>
      {error && <p role="alert">{error}</p>}
      {letter && (
        <>
          <p>
            {letter.reasonCode}: {letter.reasonMessage}
          </p>
          <label htmlFor="dead-letter-payload">Payload</label>
          <textarea id="dead-letter-payload" rows={8} value={payload} onChange={(e) => setPayload(e.target.value)} />
          {letter.status === 'pending' && (
            <p>
              <button type="button" onClick={() => void props.onReplay({ ids: [id] })}>
                Replay
              </button>
              <button type="button" onClick={fixAndReplay} disabled={payload === letter.payload}>
                Replay with fixed payload
              </button>
              <button type="button" onClick={() => void props.onDiscard(id)}>
                Discard
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
