// Drift of one model (GET /v1/drift): the newest measure of each target and window over the last 7 days, worst
// first, and the drift alerts open in that time. What `vigil drift` prints, for people without a terminal.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, fmt } from './api.js';

const SHOWN = 12;
const WEEK = 7 * 86_400_000;

export function DriftPanel({ name }) {
  const [drift, setDrift] = useState(null);
  const [all, setAll] = useState(false);
  useEffect(() => {
    const q = new URLSearchParams({ model: name, latest: 'true', from: String(Date.now() - WEEK) });
    api(`/v1/drift?${q}`).then(setDrift, () => setDrift({ measures: [], alerts: [] }));
  }, [name]);
  if (!drift) return html`<div class="muted">Loading drift…</div>`;
  const measures = [...drift.measures].sort((a, b) => Number(b.drifted) - Number(a.drifted) || b.psi - a.psi);
  const open = drift.alerts.filter((a) => a.state === 'open');
  const rows = all ? measures : measures.slice(0, SHOWN);
  return html`<div class="drift">
    <h4>Drift against the production card (last 7 days, newest measure per target)</h4>
    ${
      open.length > 0 &&
      html`<ul class="drift-alerts">${open.map(
        (a) =>
          html`<li><span class=${`badge sev-${a.severity}`}>${a.severity}</span> ${a.message} <span class="muted">since ${fmt.time(a.openedAt)}</span></li>`,
      )}</ul>`
    }
    ${measures.length === 0 && html`<div class="empty">No drift measure yet (the monitor measures production models only).</div>`}
    ${
      measures.length > 0 &&
      html`<table class="table"><thead><tr><th>status</th><th>target</th><th>window</th><th>PSI</th><th>JS</th><th>values</th><th>measured</th></tr></thead>
        <tbody>${rows.map(
          (m) => html`<tr>
            <td><span class=${`badge sev-${m.drifted ? 'high' : 'ok'}`}>${m.drifted ? 'drift' : 'ok'}</span></td>
            <td><code>${m.target}</code></td><td>${m.window}</td><td>${fmt.num(m.psi, 3)}</td><td>${fmt.num(m.jsDistance, 3)}</td>
            <td>${m.liveRows}</td><td>${fmt.ago(m.computedAt)}</td>
          </tr>`,
        )}</tbody></table>
        ${measures.length > SHOWN && html`<button type="button" onClick=${() => setAll(!all)}>${all ? 'Show fewer' : `Show all ${measures.length}`}</button>`}`
    }
  </div>`;
}
