// Models: versions with their state and metrics, production vs shadow over the last 24 h, drift of the production
// version (drift-panel.js), and (admins) promote, shadow and roll back with a reason.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, can, fmt } from '../api.js';
import { DriftPanel } from '../drift-panel.js';

function ChangeForm({ name, versions, onDone }) {
  const [action, setAction] = useState('promote');
  const [version, setVersion] = useState(versions[0]?.version ?? '');
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState(null);
  async function submit(event) {
    event.preventDefault();
    try {
      const body = action === 'rollback' ? { reason } : { version, reason };
      const result = await api(`/v1/models/${encodeURIComponent(name)}/${action}`, { method: 'POST', body });
      setMessage(`${result.action} ${result.version} done`);
      onDone();
    } catch (e) {
      setMessage(e.message);
    }
  }
  return html`<form class="ack-form" onSubmit=${submit}>
    <select value=${action} onChange=${(e) => setAction(e.target.value)}>
      <option value="promote">Promote</option><option value="shadow">Shadow</option><option value="rollback">Roll back</option>
    </select>
    ${action !== 'rollback' && html`<select value=${version} onChange=${(e) => setVersion(e.target.value)}>${versions.map((v) => html`<option value=${v.version}>${v.version} (${v.state})</option>`)}</select>`}
    <input class="grow" required minlength="3" placeholder="Reason (recorded in the model history)" value=${reason} onInput=${(e) => setReason(e.target.value)} />
    <button class="primary" type="submit">Apply</button>
    ${message && html`<div class="muted">${message}</div>`}
  </form>`;
}

function ModelCard({ name, versions, reload }) {
  const [comparison, setComparison] = useState([]);
  useEffect(() => {
    api(`/v1/models/${encodeURIComponent(name)}/comparison`).then(
      (r) => setComparison(r.versions),
      () => setComparison([]),
    );
  }, [name]);
  return html`<div class="card">
    <h3>${name}</h3>
    <table class="table">
      <thead><tr><th>version</th><th>state</th><th>asset type</th><th>threshold</th><th>precision</th><th>recall</th><th>false alert rate</th><th>created</th></tr></thead>
      <tbody>
        ${versions.map(
          (v) => html`<tr>
            <td><code>${v.version}</code>${v.loadedHere ? html` <span class="chip">serving</span>` : ''}</td>
            <td><span class=${`badge state-${v.state}`}>${v.state}</span></td>
            <td>${v.assetType}</td><td>${fmt.num(v.threshold, 3)}</td>
            <td>${fmt.num(v.metrics?.precision)}</td><td>${fmt.num(v.metrics?.recall)}</td><td>${fmt.num(v.metrics?.falseAlertRate, 4)}</td>
            <td>${v.createdAt ? fmt.time(v.createdAt) : '—'}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <h4>Last 24 h: production vs shadow</h4>
    ${comparison.length === 0 && html`<div class="empty">No live scores in the last 24 h.</div>`}
    ${
      comparison.length > 0 &&
      html`<table class="table"><thead><tr><th>version</th><th>role</th><th>scores</th><th>anomaly rate</th><th>mean score</th></tr></thead>
        <tbody>${comparison.map((c) => html`<tr><td><code>${c.version}</code></td><td>${c.role}</td><td>${c.scores}</td><td>${fmt.num(c.anomalyRate * 100, 2)} %</td><td>${fmt.num(c.meanScore, 3)}</td></tr>`)}</tbody></table>`
    }
    <${DriftPanel} name=${name} />
    ${can('models.change') && html`<${ChangeForm} name=${name} versions=${versions} onDone=${reload} />`}
  </div>`;
}

export function Models() {
  const [versions, setVersions] = useState(null);
  const [error, setError] = useState(null);
  const load = () =>
    api('/v1/models').then(
      (r) => setVersions(r.versions),
      (e) => setError(e.message),
    );
  useEffect(() => {
    load();
  }, []);
  if (error) return html`<div class="error">${error}</div>`;
  if (!versions) return html`<div class="muted">Loading…</div>`;
  const byName = new Map();
  for (const v of versions) byName.set(v.name, [...(byName.get(v.name) ?? []), v]);
  return html`<section>
    <header class="page-head"><h2>Models</h2></header>
    ${byName.size === 0 && html`<div class="empty">No model is registered or loaded.</div>`}
    ${[...byName].map(([name, list]) => html`<${ModelCard} key=${name} name=${name} versions=${list} reload=${load} />`)}
  </section>`;
}
