// One alert per row: severity, asset, when, score, the channels that drove it, and (for operators) acknowledge or
// resolve with a verdict and a comment.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, can, fmt } from './api.js';

function AckForm({ alert, action, onDone, onCancel }) {
  const [verdict, setVerdict] = useState('real_fault');
  const [comment, setComment] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    try {
      onDone(
        await api(`/v1/alerts/${encodeURIComponent(alert.alertId)}/${action}`, {
          method: 'POST',
          body: { verdict, comment },
        }),
      );
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  }
  return html`<form class="ack-form" onSubmit=${submit}>
    <label>Verdict
      <select name="verdict" value=${verdict} onChange=${(e) => setVerdict(e.target.value)}>
        <option value="real_fault">Real fault</option>
        <option value="false_alarm">False alarm</option>
      </select>
    </label>
    <label class="grow">Comment
      <input name="comment" value=${comment} onInput=${(e) => setComment(e.target.value)} placeholder="What did you find?" />
    </label>
    <button type="submit" class="primary" disabled=${busy}>${action === 'acknowledge' ? 'Acknowledge' : 'Resolve'}</button>
    <button type="button" onClick=${onCancel}>Cancel</button>
    ${error && html`<div class="error">${error}</div>`}
  </form>`;
}

export function AlertRow({ alert, onChange, fresh }) {
  const [action, setAction] = useState(null);
  const top = alert.contributors.slice(0, 3);
  return html`<li class=${`alert sev-${alert.severity} ${fresh ? 'fresh' : ''}`} data-alert-id=${alert.alertId}>
    <div class="alert-main">
      <span class=${`badge sev-${alert.severity}`}>${alert.severity}</span>
      <a class="asset" href=${`#/asset/${encodeURIComponent(alert.key)}`}>${alert.key}</a>
      <span class=${`state state-${alert.state}`}>${alert.state}</span>
      <span class="muted">opened ${fmt.time(alert.openedAt)}</span>
      <span class="muted">score ${fmt.num(alert.score)}</span>
      <span class="contributors">
        ${top.map((c) => html`<span class="chip" title=${`normal ${fmt.num(c.normalLow)}–${fmt.num(c.normalHigh)}`}>${c.channel} ${fmt.num(c.value)} (z ${fmt.num(c.zScore, 1)})</span>`)}
      </span>
      <span class="grow"></span>
      ${
        alert.ack
          ? html`<span class=${`ack ack-${alert.ack.action}`} title=${alert.ack.comment}>${alert.ack.action} · ${alert.ack.verdict.replace('_', ' ')} · ${alert.ack.by.split(' (')[0]}</span>`
          : html`<span class="ack ack-none">not acknowledged</span>`
      }
      ${
        can('alerts.act') &&
        !action &&
        html`<span class="actions">
          ${!alert.ack && html`<button onClick=${() => setAction('acknowledge')}>Acknowledge</button>`}
          ${alert.ack?.action !== 'resolved' && html`<button onClick=${() => setAction('resolve')}>Resolve</button>`}
        </span>`
      }
    </div>
    ${
      action &&
      html`<${AckForm}
        alert=${alert}
        action=${action}
        onCancel=${() => setAction(null)}
        onDone=${(updated) => {
          setAction(null);
          onChange(updated);
        }}
      />`
    }
  </li>`;
}

export function AlertList({ alerts, onChange, freshIds = new Set() }) {
  if (alerts.length === 0) return html`<div class="empty">No alerts.</div>`;
  return html`<ul class="alerts">
    ${alerts.map((a) => html`<${AlertRow} key=${a.alertId} alert=${a} onChange=${onChange} fresh=${freshIds.has(a.alertId)} />`)}
  </ul>`;
}
