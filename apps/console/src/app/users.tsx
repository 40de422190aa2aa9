import { useEffect, useState } from 'react';
import { api, queryOf, type Role } from './api';

interface User {
  username: string;
  role: Role;
  createdAt?: string;
}

/** Admins: the users, paged, with a role switch each (PATCH /users/:username). */
export function UsersPage() {
  const [users, setUsers] = useState<User[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const load = async (cursor?: string) => {
    try {
      const page = await api<{ items: User[]; nextCursor: string | null }>(`/users${queryOf({ limit: 50, cursor })}`);
      setUsers((old) => (cursor ? [...old, ...page.items] : page.items));
      setNext(page.nextCursor);
    } catch (failure) {
      setMessage(failure instanceof Error ? failure.message : String(failure));
    }
  };
  useEffect(() => {
    void load();
  }, []);
  const changeRole = async (user: User, role: Role) => {
    try {
      const saved = await api<User>(`/users/${encodeURIComponent(user.username)}`, { method: 'PATCH', json: { role } });
      setUsers((all) => all.map((u) => (u.username === user.username ? { ...u, role: saved?.role ?? role } : u)));
      setMessage(`${user.username} is now ${role}.`);
    } catch (failure) {
      setMessage(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <>
      <h1>Users</h1>
      {message && <p role="status">{message}</p>}
      <table aria-label="Users">
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Role</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.username}>
              <td>{user.username}</td>
              <td>
                <select
                  aria-label={`Role of ${user.username}`}
                  value={user.role}
                  onChange={(e) => void changeRole(user, e.target.value as Role)}
                >
                  <option value="user">user</option>
                  <option value="admin">admin</option>
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {next && (
        <button type="button" onClick={() => void load(next)}>
          Load more
        </button>
      )}
    </>
  );
}
