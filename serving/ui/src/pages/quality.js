// Alert quality: what /v1/alert-quality computes (alert-workflow/alert-quality.ts) per asset type and per asset:
// alerts per asset per day, precision from operators' verdicts, median time to acknowledge and lead time over
// ground-truth faults. Suppressed alerts (maintenance windows) are counted apart, never in the figures.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, fmt } from '../api.js';

const RANGES = [
  { label: '24 h', ms: 86_400_000 },
  { label: '7 days', ms: 7 * 86_400_000 },
  { label: '30 days', ms: 30 * 86_400_000 },
];

/** Milliseconds as the largest unit that keeps the figure readable. */
function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  const sign = ms < 0 ? '−' : '';
  const s = Math.abs(ms) / 1000;
  if (s < 120) return `${sign}${Math.round(s)} s`;
  if (s < 7200) return `${sign}${Math.round(s / 60)} min`;
  return `${sign}${(s / 3600).toFixed(1)} h`;
}

const percent = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(0)} %`);

function Figures({ row }) {
  return html`<td>${row.alerts}</td><td>${row.suppressed}</td><td>${fmt.num(row.alertsPerDay)}</td>
    <td>${row.reviewed}</td><td>${row.realFaults}</td><td>${row.falseAlarms}</td>
    <td data-testid="precision">${percent(row.precision)}</td>`;
}

export function Quality() {
  const [range, setRange] = useState(RANGES[1]);
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    const to = Date.now();
    setReport(null);
    api(`/v1/alert-quality?stream=sensors&from=${to - range.ms}&to=${to}`).then(setReport, (e) => setError(e.message));
  }, [range]);
  if (error) return html`<div class="error">${error}</div>`;
  const head = html`<th>alerts</th><th>suppressed</th><th>per asset per day</th><th>reviewed</th><th>real faults</th>
    <th>false alarms</th><th>precision</th>`;
  return html`<section class="quality">
    <header class="page-head">
      <h2>Alert quality</h2>
      <span class="muted">precision = real faults / reviewed alerts; suppressed alerts (maintenance) are not counted</span>
      <span class="grow"></span>
      ${RANGES.map(
        (r) => html`<button class=${r === range ? 'primary' : ''} onClick=${() => setRange(r)}>${r.label}</button>`,
      )}
    </header>
    ${!report && html`<div class="muted">Loading…</div>`}
    ${report && report.assets.length === 0 && html`<div class="empty">No alerts in this period.</div>`}
    ${
      report &&
      report.assets.length > 0 &&
      html`<h3>By asset type</h3>
      <table class="table quality-types">
        <thead><tr><th>asset type</th>${head}</tr></thead>
        <tbody>
          ${report.bySubject.map((s) => html`<tr data-subject=${s.subject}><td>${s.subject}</td><${Figures} row=${s} /></tr>`)}
        </tbody>
      </table>
      <h3>By asset</h3>
      <table class="table quality-assets">
        <thead><tr><th>asset</th><th>type</th>${head}<th>time to acknowledge (median)</th><th>lead time (median)</th></tr></thead>
        <tbody>
          ${report.assets.map(
            (a) => html`<tr data-asset=${a.key}>
              <td><a href=${`#/asset/${encodeURIComponent(a.key)}`}>${a.key}</a></td><td>${a.subject}</td>
              <${Figures} row=${a} />
              <td>${duration(a.medianTimeToAckMs)}</td><td title="fault end − alert opening">${duration(a.medianLeadTimeMs)}</td>
            </tr>`,
          )}
        </tbody>
      </table>`
    }
  </section>`;
}
