// The console's frame: who is signed in, which accounts the pages act in, the top bar and side
// navigation, and the page of the current address.
import * as api from './api.js';
import { append, clear, errorBanner, h } from './dom.js';
import { match, navigate, onNavigate, route, start } from './router.js';
import { collaborationPage } from './pages/collaboration.js';
import { collaborationsPage } from './pages/collaborations.js';
import { dataPage } from './pages/data.js';
import { instancePage } from './pages/instance.js';
import { createInstancePage, instancesPage } from './pages/instances.js';
import { createMembershipPage } from './pages/membership.js';
import { signinPage } from './pages/signin.js';

const state = { session: null, flash: null, renders: 0, leaving: [] };
const root = document.getElementById('app');
let main = null;

route('/console/amc/instances', instancesPage);
route('/console/amc/instances/new', createInstancePage);
route('/console/amc/instances/:instanceId', instancePage);
route('/console/cleanrooms/collaborations', collaborationsPage);
route('/console/cleanrooms/collaborations/:collaborationId', collaborationPage);
route('/console/cleanrooms/collaborations/:collaborationId/create-membership', createMembershipPage);
route('/console/cleanrooms/data', dataPage);

// --- accounts the pages act in ---------------------------------------------------------------
function pick(kind, list) {
  const stored = localStorage.getItem(`cleanroom.${kind}`);
  if (list.some((a) => a.accountId === stored)) return stored;
  return list.length ? list[0].accountId : '';
}

function setAccount(kind, id) {
  localStorage.setItem(`cleanroom.${kind}`, id);
}

// A link into Clean Rooms may name the account to act as (?account=...), as the AMC console's
// "Go to Clean Rooms" link does for the instance's primary account.
function adoptAccountFromLink(url) {
  const wanted = url.searchParams.get('account');
  if (wanted && state.session.awsAccounts.some((a) => a.accountId === wanted)) setAccount('aws', wanted);
}

// --- flash messages, shown once on the next page ------------------------------------------------
export function flash(tone, title, text) { state.flash = { tone, title, text }; }

async function loadSession() {
  try {
    state.session = await api.get('/session');
  } catch (e) {
    state.session = { signedIn: false, error: e };
  }
  api.setCsrfToken(state.session.csrfToken);
}

async function signOut() {
  try { await api.del('/session'); } catch { /* signed out either way */ }
  state.session = { signedIn: false };
  api.setCsrfToken('');
  navigate('/console/signin', { replace: true });
}

api.setSignedOutHandler(() => {
  state.session = { signedIn: false };
  navigate(`/console/signin?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
});

// --- the frame ----------------------------------------------------------------------------
function accountSelect(kind, text, list) {
  if (!list.length) return null;
  const current = pick(kind, list);
  const select = h('select', {
    'aria-label': text,
    onchange: (e) => { setAccount(kind, e.target.value); render(); },
  }, list.map((a) => h('option', { value: a.accountId, selected: a.accountId === current ? true : null },
    // An <option> holds text only: U+2068/U+2069 (first-strong isolate) isolate the name there.
    `\u2068${kind === 'amc' ? a.accountName : a.name}\u2069 (${a.accountId})`)));
  return h('label', {}, text, select);
}

function frame() {
  const s = state.session;
  main = h('main', { class: 'main', id: 'main' });
  const nav = (href, text) => h('a', { href, 'data-nav': href }, text);
  clear(root);
  append(root, [
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '/console/amc/instances' },
        h('img', { src: '/console/static/favicon.svg', alt: '' }), 'cleanroom'),
      h('div', { class: 'spacer' }),
      accountSelect('amc', 'AMC account', s.amcAccounts),
      accountSelect('aws', 'AWS account', s.awsAccounts),
      h('span', { class: 'who' }, s.user.email),
      h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out')),
    h('div', { class: 'layout' },
      h('nav', { class: 'sidenav', 'aria-label': 'Console' },
        h('div', { class: 'group' }, 'Marketing Cloud'),
        nav('/console/amc/instances', 'Instances'),
        h('div', { class: 'group' }, 'Clean Rooms'),
        nav('/console/cleanrooms/collaborations', 'Collaborations'),
        nav('/console/cleanrooms/data', 'Tables and data')),
      main),
  ]);
}

function markNav(pathname) {
  for (const a of root.querySelectorAll('[data-nav]')) {
    a.classList.toggle('active', pathname.startsWith(a.dataset.nav));
  }
}

async function render() {
  const token = ++state.renders;
  for (const fn of state.leaving.splice(0)) fn();
  const url = new URL(location.href);
  if (!state.session || state.session.error) await loadSession();
  if (token !== state.renders) return;

  if (!state.session.signedIn) {
    if (url.pathname !== '/console/signin') {
      navigate(`/console/signin?next=${encodeURIComponent(url.pathname + url.search)}`, { replace: true });
      return;
    }
    main = null;
    clear(root).append(signinPage({
      query: url.searchParams,
      error: state.session.error,
      onSignedIn: (session) => {
        state.session = session;
        api.setCsrfToken(session.csrfToken);
        const next = url.searchParams.get('next');
        navigate(next && next.startsWith('/console/') && !next.startsWith('/console/signin') ? next : '/console/amc/instances', { replace: true });
      },
    }));
    return;
  }

  const m = match(url.pathname);
  if (!m) {
    navigate('/console/amc/instances', { replace: true });
    return;
  }
  adoptAccountFromLink(url);
  if (!main || !root.contains(main)) frame();
  else {
    // The account selects show the current choice (a link may have changed it).
    const selects = root.querySelectorAll('.topbar select');
    const [amcSelect, awsSelect] = [state.session.amcAccounts.length ? selects[0] : null,
      state.session.awsAccounts.length ? selects[selects.length - 1] : null];
    if (amcSelect) amcSelect.value = pick('amc', state.session.amcAccounts);
    if (awsSelect) awsSelect.value = pick('aws', state.session.awsAccounts);
  }
  markNav(url.pathname);
  clear(main).append(h('div', { class: 'loading' }, 'Loading…'));

  const ctx = {
    params: m.params,
    query: url.searchParams,
    session: state.session,
    amc: pick('amc', state.session.amcAccounts),
    aws: pick('aws', state.session.awsAccounts),
    flash: state.flash,
    setFlash: flash,
    isCurrent: () => token === state.renders,
    onLeave: (fn) => state.leaving.push(fn),
    refresh: () => render(),
  };
  state.flash = null;
  try {
    const page = await m.handler(ctx);
    if (token !== state.renders) return;
    clear(main).append(page);
  } catch (e) {
    if (token !== state.renders) return;
    clear(main).append(errorBanner(e, 'This page could not be loaded'));
  }
  document.title = `${main.querySelector('h1')?.textContent || 'Console'} · cleanroom`;
}

onNavigate(render);
start();
