// Score a file: upload a CSV, see the score chart with its anomalies, the anomalous rows, and download the results.
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { api, fmt } from '../api.js';
import { TimeChart } from '../charts.js';

const CSV_COLUMNS = ['event_id', 'asset_id', 'event_time', 'status', 'score', 'threshold', 'anomaly', 'model_version'];

function toCsv(rows) {
  const cell = (v) =>
    v === undefined || v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v);
  const lines = rows.map((r) =>
    [
      r.eventId,
      r.assetId,
      new Date(r.eventTime).toISOString(),
      r.status,
      r.score,
      r.threshold,
      r.anomaly,
      r.modelVersion,
    ]
      .map(cell)
      .join(','),
  );
  return `${CSV_COLUMNS.join(',')}\n${lines.join('\n')}\n`;
}

export function Score() {
  const [result, setResult] = useState(null);
  const [fileName, setFileName] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function upload(event) {
    event.preventDefault();
    const file = event.target.elements.file.files[0];
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    setBusy(true);
    setError(null);
    try {
      setResult(await api('/v1/score/file', { method: 'POST', form }));
      setFileName(file.name);
    } catch (e) {
      setError(e.message);
      setResult(null);
    } finally {
      setBusy(false);
    }
  }

  const byAsset = useMemo(() => {
    if (!result) return [];
    const groups = new Map();
    for (const r of result.rows) {
      if (r.status !== 'scored') continue;
      if (!groups.has(r.assetId)) groups.set(r.assetId, []);
      groups.get(r.assetId).push(r);
    }
    return [...groups].map(([assetId, rows]) => ({
      assetId,
      times: rows.map((r) => r.eventTime),
      series: [{ label: 'score', values: rows.map((r) => r.score) }],
      threshold: rows[0].threshold,
      marks: rows.flatMap((r, i) => (r.anomaly ? [i] : [])),
    }));
  }, [result]);

  const download = () => {
    const url = URL.createObjectURL(new Blob([toCsv(result.rows)], { type: 'text/csv' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `scores-${fileName || 'upload'}` });
    a.click();
    URL.revokeObjectURL(url);
  };

  const anomalies = result ? result.rows.filter((r) => r.anomaly) : [];
  return html`<section>
    <header class="page-head"><h2>Score a file</h2></header>
    <form class="card upload" onSubmit=${upload}>
      <p class="muted">
        A CSV with a header: <code>asset_id</code>, <code>asset_type</code>, <code>event_time</code> (ISO or epoch ms), then one
        column per channel. The first minutes of each asset warm the feature windows up and are not scored.
      </p>
      <input type="file" name="file" accept=".csv,text/csv" />
      <button class="primary" type="submit" disabled=${busy}>${busy ? 'Scoring…' : 'Score'}</button>
    </form>
    ${error && html`<div class="error">${error}</div>`}
    ${
      result &&
      html`<div class="summary card">
          <div><strong>${result.summary.readings}</strong><span>readings</span></div>
          <div><strong>${result.summary.scored}</strong><span>scored</span></div>
          <div class=${result.summary.anomalies > 0 ? 'bad' : ''}><strong data-testid="anomaly-count">${result.summary.anomalies}</strong><span>anomalies</span></div>
          <div><strong>${result.summary.alerts}</strong><span>alerts</span></div>
          <span class="grow"></span>
          <button onClick=${download}>Download results (CSV)</button>
        </div>
        ${byAsset.map((a) => html`<div class="card"><h3>${a.assetId}</h3><${TimeChart} ...${a} height=${220} /></div>`)}
        <h3>Anomalous readings</h3>
        ${anomalies.length === 0 && html`<div class="empty">No anomalies in this file.</div>`}
        ${
          anomalies.length > 0 &&
          html`<table class="table anomalies">
            <thead><tr><th>asset</th><th>time</th><th>score</th><th>threshold</th><th>model</th></tr></thead>
            <tbody>
              ${anomalies
                .slice(0, 500)
                .map(
                  (r) =>
                    html`<tr><td>${r.assetId}</td><td>${fmt.time(r.eventTime)}</td><td class="bad">${fmt.num(r.score)}</td><td>${fmt.num(r.threshold)}</td><td>${r.modelVersion}</td></tr>`,
                )}
            </tbody>
          </table>`
        }`
    }
  </section>`;
}
