// The API client of the UI: the key lives in sessionStorage (gone when the tab closes) and goes in the
// Authorization header; never in a URL. Live alerts are read with fetch streaming, because EventSource cannot
// send headers.

const KEY = 'vigil.apiKey';
const ME = 'vigil.me';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  me: () => JSON.parse(sessionStorage.getItem(ME) ?? 'null'),
  save(key, me) {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(ME, JSON.stringify(me));
  },
  clear() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(ME);
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? 'HTTP_ERROR';
  }
}

export async function api(path, { method = 'GET', body, form, key = session.key() } = {}) {
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  const json = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  if (!response.ok) {
    if (response.status === 401 && key === session.key()) {
      session.clear();
      location.hash = '#/login';
    }
    throw new ApiError(response.status, json);
  }
  return json;
}

export function can(permission) {
  return session.me()?.permissions.includes(permission) ?? false;
}

/** Calls onAlert for each alert pushed by /v1/live/alerts; reconnects after a drop. Returns a stop function. */
export function liveAlerts(onAlert, onStatus) {
  const controller = new AbortController();
  let stopped = false;
  async function connect() {
    while (!stopped) {
      try {
        const response = await fetch('/v1/live/alerts', {
          headers: { authorization: `Bearer ${session.key()}` },
          signal: controller.signal,
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        onStatus('live');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            if (data) onAlert(JSON.parse(data));
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        if (stopped) return;
        onStatus('reconnecting');
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  connect();
  return () => {
    stopped = true;
    controller.abort();
  };
}

export const fmt = {
  time: (ms) => (ms ? new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '—'),
  num: (x, digits = 2) => (x === null || x === undefined ? '—' : Number(x).toFixed(digits)),
  ago(ms) {
    const s = Math.round((Date.now() - ms) / 1000);
    if (s < 60) return `${s}s ago`;
    if (s < 3600) return `${Math.round(s / 60)} min ago`;
    if (s < 86400) return `${Math.round(s / 3600)} h ago`;
    return `${Math.round(s / 86400)} d ago`;
  },
};
