import { type FormEvent, useEffect, useState, useSyncExternalStore } from 'react';
import { api, ApiError, currentSession, subscribe } from './api';
import type { ApiRecord, EditableField, ResourceView } from './resources';
import { Link, navigate } from './router';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** One record: every stored field; for admins an edit form (PUT) and delete with confirmation. */
export function RecordPage(props: { view: ResourceView; id: string }) {
  const { view, id } = props;
  const session = useSyncExternalStore(subscribe, currentSession);
  const [record, setRecord] = useState<ApiRecord | null>(null);
  const [error, setError] = useState('');
  const path = `/${view.resource}/${encodeURIComponent(id)}`;
  useEffect(() => {
    api<ApiRecord>(path)
      .then(setRecord)
      .catch((failure) => setError(errorText(failure)));
  }, [path]);
  return (
    <>
      <p>
        <Link to={view.resource}>Back to {view.title}</Link>
      </p>
      <h1>
        {view.title}: {id}
      </h1>
      {error && <p role="alert">{error}</p>}
      {record && (
        <table aria-label="Record fields">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(record).map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>{typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {record && session?.role === 'admin' && (
        <>
          <EditForm view={view} path={path} record={record} onSaved={setRecord} />
          <DeleteButton path={path} view={view} />
        </>
      )}
    </>
  );
}

function EditForm(props: { view: ResourceView; path: string; record: ApiRecord; onSaved: (r: ApiRecord) => void }) {
  const { view, path, record } = props;
  const initial = Object.fromEntries(
    view.editable.map((field) => [field.name, record[field.name] === undefined ? '' : String(record[field.name])]),
  );
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFieldErrors({});
    setMessage('');
    const body: Record<string, unknown> = {};
    for (const field of view.editable) {
      const value = values[field.name];
      if (value === initial[field.name]) continue;
      // An integer field goes as a number when it reads as one; the API's validation answers the rest.
      body[field.name] = field.kind === 'integer' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    }
    try {
      const saved = await api<ApiRecord>(path, { method: 'PUT', json: body });
      props.onSaved(saved);
      setMessage('Saved.');
    } catch (failure) {
      if (failure instanceof ApiError && failure.problem.errors?.length) {
        const byField: Record<string, string> = {};
        for (const e of failure.problem.errors)
          byField[e.field] = byField[e.field] ? `${byField[e.field]}; ${e.message}` : e.message;
        setFieldErrors(byField);
      }
      setMessage(`Not saved: ${errorText(failure)}`);
    }
  };
  return (
    <section aria-label="Edit record">
      <h2>Edit</h2>
      <form onSubmit={submit} className="edit">
        {view.editable.map((field) => (
          <FieldInput
            key={field.name}
            field={field}
            value={values[field.name]}
            error={fieldErrors[field.name]}
            onChange={(value) => setValues({ ...values, [field.name]: value })}
          />
        ))}
        <button type="submit">Save</button>
      </form>
      {message && <p role="status">{message}</p>}
    </section>
  );
}

function FieldInput(props: { field: EditableField; value: string; error?: string; onChange: (value: string) => void }) {
  const { field, value, error } = props;
  const id = `field-${field.name}`;
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{field.name}</label>
      {field.kind === 'choice' ? (
        <select
          id={id}
          value={value}
          onChange={(e) => props.onChange(e.target.value)}
          aria-describedby={error ? errorId : undefined}
        >
          <option value="">(none)</option>
          {(field.choices ?? []).map((choice) => (
            <option key={choice}>{choice}</option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          value={value}
          onChange={(e) => props.onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
        />
      )}
      {error && (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

function DeleteButton(props: { path: string; view: ResourceView }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState('');
  const remove = async () => {
    try {
      await api(props.path, { method: 'DELETE' });
      navigate(props.view.resource);
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <section aria-label="Delete record">
      {confirming ? (
        <div role="alertdialog" aria-label="Confirm delete">
          <p>Delete this {props.view.singular}? This cannot be undone.</p>
          <button type="button" onClick={() => void remove()}>
            Yes, delete
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          Delete record
        </button>
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
