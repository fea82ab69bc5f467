// Live alerts: the latest alerts, then every new or changed one pushed by the server (SSE), newest first.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { AlertList } from '../alert-list.js';
import { api, liveAlerts } from '../api.js';

export function Alerts() {
  const [alerts, setAlerts] = useState([]);
  const [fresh, setFresh] = useState(new Set());
  const [status, setStatus] = useState('connecting');
  const [filter, setFilter] = useState('open');
  const [error, setError] = useState(null);
  useEffect(() => {
    const query = filter === 'all' ? '' : `&state=${filter}`;
    api(`/v1/alerts?limit=200${query}`)
      .then((r) => setAlerts(r.alerts))
      .catch((e) => setError(e.message));
  }, [filter]);
  useEffect(
    () =>
      liveAlerts((alert) => {
        setAlerts((list) => [alert, ...list.filter((a) => a.alertId !== alert.alertId)]);
        setFresh((s) => new Set(s).add(alert.alertId));
      }, setStatus),
    [],
  );
  const replace = (updated) => setAlerts((list) => list.map((a) => (a.alertId === updated.alertId ? updated : a)));
  return html`<section>
    <header class="page-head">
      <h2>Alerts</h2>
      <span class=${`live live-${status}`}>● ${status === 'live' ? 'Live' : status}</span>
      <span class="grow"></span>
      <div class="segmented">
        ${['open', 'closed', 'all'].map(
          (f) => html`<button class=${filter === f ? 'on' : ''} onClick=${() => setFilter(f)}>${f}</button>`,
        )}
      </div>
    </header>
    ${error && html`<div class="error">${error}</div>`}
    <${AlertList} alerts=${alerts} onChange=${replace} freshIds=${fresh} />
  </section>`;
}
