// Audit: who called what, when, with which outcome and which inferences it produced.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, fmt } from '../api.js';

export function Audit() {
  const [entries, setEntries] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('/v1/audit?limit=500').then(
      (r) => setEntries(r.entries),
      (e) => setError(e.message),
    );
  }, []);
  if (error) return html`<div class="error">${error}</div>`;
  if (!entries) return html`<div class="muted">Loading…</div>`;
  return html`<section>
    <header class="page-head"><h2>Audit trail</h2><span class="muted">last 24 h, newest first</span></header>
    <table class="table">
      <thead><tr><th>when</th><th>key</th><th>role</th><th>request</th><th>status</th><th>latency</th><th>inferences</th></tr></thead>
      <tbody>
        ${entries.map(
          (e) => html`<tr>
            <td>${fmt.time(e.at)}</td>
            <td title=${e.apiKeyId}>${e.keyName || (e.apiKeyId ? e.apiKeyId.slice(0, 8) : html`<span class="muted">no key</span>`)}</td>
            <td>${e.role}</td>
            <td><code>${e.method} ${e.route}</code></td>
            <td class=${e.status >= 400 ? 'bad' : ''}>${e.status}</td>
            <td>${fmt.num(e.latencyMs, 1)} ms</td>
            <td>${e.inferenceIds.length || ''}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
