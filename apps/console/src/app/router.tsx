import { type MouseEvent, type ReactNode, useSyncExternalStore } from 'react';

/** Client routes live under /console/ (the gateway answers index.html for each of them). */
export const BASE = '/console';

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((listener) => listener()));

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The route: the path below /console, without the leading slash ("" is the overview). */
function currentRoute(): string {
  const path = window.location.pathname;
  const inside = path.startsWith(BASE) ? path.slice(BASE.length) : path;
  return inside.replace(/^\/+|\/+$/g, '');
}

export function useRoute(): string {
  return useSyncExternalStore(subscribe, currentRoute);
}

export function navigate(route: string): void {
  window.history.pushState(null, '', `${BASE}/${route}`);
  listeners.forEach((listener) => listener());
}

export function Link(props: { to: string; children: ReactNode; current?: boolean; className?: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a
      href={`${BASE}/${props.to}`}
      onClick={onClick}
      aria-current={props.current ? 'page' : undefined}
      className={props.className}
    >
      {props.children}
    </a>
  );
}
