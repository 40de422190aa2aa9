import { type FormEvent, useState, useSyncExternalStore } from 'react';
import { ApiError, currentQuota, currentSession, signIn, signOut, subscribe } from './api';
import { BrowsePage } from './browse';
import { DeadLettersPage } from './dead-letters';
import { OverviewPage } from './overview';
import { RecordPage } from './record-detail';
import { RESOURCES, resourceByName } from './resources';
import { Link, useRoute } from './router';
import { UsersPage } from './users';

export function App() {
  const session = useSyncExternalStore(subscribe, currentSession);
  if (!session) return <SignIn />;
  return <Shell />;
}

function SignIn() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await signIn(username, password);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'The gateway did not answer.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <h1>DataLake console</h1>
      <form onSubmit={submit}>
        <label htmlFor="username">Username</label>
        <input id="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error && <p role="alert">{error}</p>}
      </form>
    </main>
  );
}

function Shell() {
  const session = useSyncExternalStore(subscribe, currentSession);
  const quota = useSyncExternalStore(subscribe, currentQuota);
  const route = useRoute();
  const isAdmin = session?.role === 'admin';
  const [first, ...rest] = route.split('/');
  const links = [
    { to: '', text: 'Overview' },
    ...RESOURCES.map((view) => ({ to: view.resource, text: view.title })),
    { to: 'dead-letters', text: 'Dead letters' },
    ...(isAdmin ? [{ to: 'users', text: 'Users' }] : []),
  ];
  let page;
  const view = resourceByName(first);
  if (view && rest.length > 0) page = <RecordPage key={route} view={view} id={decodeURIComponent(rest.join('/'))} />;
  else if (view) page = <BrowsePage key={view.resource} view={view} />;
  else if (first === 'dead-letters') page = <DeadLettersPage />;
  else if (first === 'users' && isAdmin) page = <UsersPage />;
  else page = <OverviewPage />;
  return (
    <>
      <header className="top">
        <span className="brand">DataLake</span>
        <nav aria-label="Main">
          {links.map((link) => (
            <Link key={link.to} to={link.to} current={first === link.to}>
              {link.text}
            </Link>
          ))}
        </nav>
        <span className="who">
          <span data-testid="quota" aria-live="polite">
            Quota remaining: {quota ?? '…'}
          </span>
          <span>
            {session?.username} ({session?.role})
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>{page}</main>
    </>
  );
}
