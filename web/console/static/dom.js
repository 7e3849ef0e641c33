// Building the page from data. Text always goes in as text nodes (never as HTML), so nothing a
// server or another party wrote can become markup or script.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// A string someone chose (a name, a description), bidi-isolated: its own direction (a
// right-to-left override, Arabic or Hebrew letters) cannot reorder the text that follows it.
export function bdi(text) {
  return h('bdi', { dir: 'auto' }, text ?? '');
}

// A collaboration's name, then what tells a platform's collaboration from a look-alike: the
// AMC instance it belongs to (the API says so, the name cannot), or the account that created it.
export function collaborationName(c, { link } = {}) {
  const name = link ? h('a', { href: link }, bdi(c.name)) : bdi(c.name);
  const owner = c.amcInstanceId
    ? h('span', { class: 'badge info amc-mark', 'data-testid': 'amc-instance-mark', title: `Belongs to AMC instance ${c.amcInstanceId}` },
      `AMC instance ${c.amcInstanceId}`)
    : h('span', { class: 'muted mono creator-mark', 'data-testid': 'creator-mark' }, `by account ${c.creatorAccountId}`);
  return h('span', { class: 'collaboration-name' }, name, ' ', owner);
}

// Status words as the consoles show them: ACTIVE -> Active, CAN_QUERY -> Can query.
export function label(word) {
  if (!word) return '';
  const s = String(word).replace(/_/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const TONES = {
  ok: ['ACTIVE', 'SUCCEEDED', 'SUCCESS', 'READY', 'ACCEPTED', 'ENABLED'],
  info: ['RUNNING', 'STARTED', 'SUBMITTED', 'PENDING', 'REQUESTED', 'CANCELLING'],
  warn: ['INVITED', 'NOT_READY'],
  bad: ['LEFT', 'REMOVED', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'DELETED', 'COLLABORATION_DELETED', 'REVOKED'],
};

export function badge(status, text) {
  const up = String(status || '').toUpperCase();
  const tone = Object.keys(TONES).find((t) => TONES[t].includes(up)) || '';
  return h('span', { class: `badge ${tone}`, 'data-status': up }, text ?? label(status));
}

export function panel(title, body, { actions, count, flush, testid } = {}) {
  return h('section', { class: 'panel', 'data-testid': testid },
    title ? h('header', {}, h('h2', {}, title, count !== undefined ? h('span', { class: 'count' }, ` (${count})`) : null),
      actions ? h('div', { class: 'actions' }, actions) : null) : null,
    h('div', { class: flush ? 'body flush' : 'body' }, body));
}

export function emptyState(title, text, action) {
  return h('div', { class: 'empty' }, h('strong', {}, title), text ? h('div', {}, text) : null,
    action ? h('div', { class: 'empty-action' }, action) : null);
}

// columns: [{title, cell: row => Node|string, num}]
export function table(columns, rows, empty) {
  if (!rows.length) return empty;
  return h('div', { class: 'table-scroll' }, h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : null }, c.title)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.cell(r))))))));
}

export function details(pairs) {
  return h('dl', { class: 'details' }, pairs.filter(Boolean).map(([k, v]) =>
    h('div', {}, h('dt', {}, k), h('dd', {}, v === '' || v === null || v === undefined ? '—' : v))));
}

export function banner(tone, title, text, action) {
  const icons = { info: 'i', ok: '✓', warn: '!', bad: '!' };
  return h('div', { class: `banner ${tone}`, role: tone === 'bad' ? 'alert' : 'status' },
    h('span', { class: 'icon', 'aria-hidden': 'true' }, icons[tone] || 'i'),
    h('div', { class: 'text' }, title ? h('strong', {}, title) : null, text),
    action || null);
}

export function errorBanner(err, title = 'Something went wrong') {
  return banner('bad', title, err && err.message ? err.message : String(err));
}

export function tabs(items, active) {
  return h('nav', { class: 'tabs', role: 'tablist' }, items.map(([key, text, href]) =>
    h('a', { href, role: 'tab', class: key === active ? 'active' : null, 'aria-selected': key === active ? 'true' : 'false' }, text)));
}

export function breadcrumbs(items) {
  return h('div', { class: 'breadcrumbs' }, items.map(([text, href]) => (href ? h('a', { href }, text) : h('span', {}, text))));
}

export function field(labelText, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, labelText), input, hint ? h('div', { class: 'hint' }, hint) : null);
}

export function when(epochSeconds) {
  if (!epochSeconds) return '';
  const d = typeof epochSeconds === 'number' ? new Date(epochSeconds * 1000) : new Date(epochSeconds);
  return Number.isNaN(d.getTime()) ? String(epochSeconds) : d.toLocaleString();
}

// A modal confirmation; resolves true when confirmed.
export function confirmDialog({ title, text, confirm, danger }) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { 'aria-labelledby': 'confirm-title' });
    const close = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    append(dialog, [
      h('div', { class: 'dialog-body' }, h('h2', { id: 'confirm-title' }, title), text),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', onclick: () => close(false) }, 'Cancel'),
        h('button', { type: 'button', class: danger ? 'danger solid' : 'primary', onclick: () => close(true) }, confirm)),
    ]);
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(false); });
    document.body.append(dialog);
    dialog.showModal();
  });
}
