// The Vigil web UI: a hash router over a few pages; the navigation shows only what the key's role may do.
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { can, session } from './api.js';
import { Alerts } from './pages/alerts.js';
import { Asset } from './pages/asset.js';
import { Audit } from './pages/audit.js';
import { Login } from './pages/login.js';
import { Models } from './pages/models.js';
import { Overview } from './pages/overview.js';
import { Quality } from './pages/quality.js';
import { Score } from './pages/score.js';
import './style.css';

const PAGES = [
  { path: 'overview', label: 'Plant', permission: 'read', view: () => html`<${Overview} />` },
  { path: 'alerts', label: 'Alerts', permission: 'read', view: () => html`<${Alerts} />` },
  { path: 'quality', label: 'Quality', permission: 'read', view: () => html`<${Quality} />` },
  { path: 'score', label: 'Score a file', permission: 'score', view: () => html`<${Score} />` },
  { path: 'models', label: 'Models', permission: 'read', view: () => html`<${Models} />` },
  { path: 'audit', label: 'Audit', permission: 'audit.read', view: () => html`<${Audit} />` },
];

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash.replace(/^#\/?/, '');
}

function App() {
  const [me, setMe] = useState(session.me());
  const route = useHash();
  if (!me || !session.key() || route === 'login') {
    return html`<${Login}
      onLogin=${(m) => {
        setMe(m);
        location.hash = '#/overview';
      }}
    />`;
  }
  const allowed = PAGES.filter((p) => can(p.permission));
  const [head, ...rest] = route.split('/');
  let content;
  if (head === 'asset' && can('read')) content = html`<${Asset} assetId=${decodeURIComponent(rest.join('/'))} />`;
  else content = (allowed.find((p) => p.path === head) ?? allowed[0])?.view();
  const active = head === 'asset' ? 'overview' : (allowed.find((p) => p.path === head) ?? allowed[0])?.path;
  return html`<div class="shell">
    <nav class="top">
      <span class="brand"><span class="logo">◉</span> Vigil</span>
      ${allowed.map((p) => html`<a class=${p.path === active ? 'active' : ''} href=${`#/${p.path}`}>${p.label}</a>`)}
      <span class="grow"></span>
      <span class="who">${me.name} · <span class="role">${me.role}</span></span>
      <button
        class="link"
        onClick=${() => {
          session.clear();
          setMe(null);
          location.hash = '#/login';
        }}
      >Sign out</button>
    </nav>
    <main>${content ?? html`<div class="empty">This key (role ${me.role}) has no pages: it is for machine ingest only.</div>`}</main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
