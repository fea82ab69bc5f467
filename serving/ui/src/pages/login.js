import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, session } from '../api.js';

export function Login({ onLogin }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(null);
  async function submit(event) {
    event.preventDefault();
    try {
      const me = await api('/v1/me', { key: key.trim() });
      session.save(key.trim(), me);
      onLogin(me);
    } catch (e) {
      setError(e.status === 401 ? 'This key is not valid (unknown, revoked or expired).' : e.message);
    }
  }
  return html`<div class="login">
    <form onSubmit=${submit} class="card">
      <h1><span class="logo">◉</span> Vigil</h1>
      <p class="muted">Anomaly detection for the plant. Sign in with your API key.</p>
      <label>API key
        <input name="apiKey" type="password" autocomplete="off" value=${key} onInput=${(e) => setKey(e.target.value)} placeholder="vgl_…" />
      </label>
      <button class="primary" type="submit">Sign in</button>
      ${error && html`<div class="error">${error}</div>`}
      <p class="muted small">The key stays in this browser tab only. Ask an administrator for one (<code>vigil keys create</code>).</p>
    </form>
  </div>`;
}
