// The query editor: SQL in, a run that is polled for its status and progress, the policy's
// refusal shown at its position in the SQL, and the result as a table with a chart beside it, and
// a download. The page
// gives it a backend: an AMC workflow execution or a Clean Rooms protected query.
import { resultChart } from './chart.js';
import { parseCsv } from './csv.js';
import { badge, banner, clear, field, h, label, panel, table } from './dom.js';

const PREVIEW_ROWS = 100;

// "... at character 27" -> 27 (1-based, in characters as the server counts them).
export function errorPosition(message) {
  const m = /at character (\d+)/.exec(message || '');
  return m ? Number(m[1]) : null;
}

// The word starting at a character: [index, end) in characters (code points).
function wordAt(chars, index) {
  let end = index + 1;
  while (end < chars.length && /[\w.]/.test(chars[end]) && /[\w.]/.test(chars[index])) end += 1;
  return end;
}

// The line of `sql` holding the character, with that character's word marked.
function excerpt(sql, position) {
  const chars = Array.from(sql);
  const index = Math.min(Math.max(position - 1, 0), Math.max(chars.length - 1, 0));
  let start = index;
  while (start > 0 && chars[start - 1] !== '\n') start -= 1;
  let end = index;
  while (end < chars.length && chars[end] !== '\n') end += 1;
  const wordEnd = Math.min(wordAt(chars, index), end);
  const lineNo = chars.slice(0, start).filter((c) => c === '\n').length + 1;
  return h('pre', { class: 'sql-excerpt', 'data-testid': 'error-excerpt' },
    h('span', { class: 'line-no' }, `${lineNo} │ `),
    chars.slice(start, index).join(''),
    h('mark', { 'data-testid': 'error-mark' }, chars.slice(index, wordEnd).join('') || ' '),
    chars.slice(wordEnd, end).join(''));
}

// Selects the word at the character in the textarea (its offsets count UTF-16 units, the
// server counts characters).
function selectPosition(textarea, position) {
  const chars = Array.from(textarea.value);
  const index = Math.max(position - 1, 0);
  if (index >= chars.length) return;
  const from = chars.slice(0, index).join('').length;
  const to = chars.slice(0, wordAt(chars, index)).join('').length;
  textarea.focus();
  textarea.setSelectionRange(from, to);
}

function progressBar(fraction) {
  const known = typeof fraction === 'number' && fraction >= 0;
  const bar = h('div', { class: known ? 'progress' : 'progress indeterminate', role: 'progressbar',
    'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': known ? String(Math.round(fraction * 100)) : null },
  h('div', {}));
  if (known) bar.firstChild.style.width = `${Math.round(fraction * 100)}%`;
  return bar;
}

function resultTable(text) {
  const { columns, rows, truncated } = parseCsv(text, PREVIEW_ROWS);
  const numeric = columns.map((_, c) => rows.length > 0 && rows.every((r) => r[c] === '' || /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(r[c])));
  const grid = table(columns.map((name, c) => ({ title: name, num: numeric[c], cell: (r) => r[c] })), rows,
    h('div', { class: 'empty' }, h('strong', {}, 'The result has no rows'),
      'Every row stood for too few people, or the query matched nothing.'));
  return { grid, chart: resultChart(columns, rows, { truncated }), count: rows.length, truncated };
}

// backend: { start(sql) -> handle, poll(handle) -> {status, done, ok, fraction, message, meta},
//            cancel(handle), result(handle) -> fetch Response, filename(handle, response) }
export function queryEditor({ title = 'Query editor', sql = '', extras = [], backend, onLeave, onFinished = () => {}, hint }) {
  const textarea = h('textarea', { name: 'sql', spellcheck: 'false', 'aria-label': 'SQL', rows: 5 });
  textarea.value = sql;
  const run = h('button', { type: 'submit', class: 'primary run' }, 'Run query');
  const out = h('div', { 'data-testid': 'query-output' });
  let stopped = false;
  let generation = 0;  // a newer run stops following an older one
  let objectUrl = null;
  onLeave(() => { stopped = true; if (objectUrl) URL.revokeObjectURL(objectUrl); });

  const statusLine = (status, fraction, started, handle) => h('div', { class: 'run-status', 'data-testid': 'query-status' },
    badge(status), fraction !== undefined ? progressBar(fraction) : null,
    typeof fraction === 'number' && fraction >= 0 ? h('span', { class: 'muted' }, `${Math.round(fraction * 100)}%`) : null,
    h('span', { class: 'muted' }, `${((Date.now() - started) / 1000).toFixed(1)} s`),
    handle !== undefined ? h('button', { type: 'button', class: 'link', onclick: (e) => cancel(e.target, handle) }, 'Cancel') : null);

  async function cancel(button, handle) {
    button.disabled = true;
    try {
      await backend.cancel(handle);
    } catch (err) {
      out.append(banner('bad', 'The query was not cancelled', err.message));
    }
  }

  async function showResult(handle, meta) {
    const res = await backend.result(handle);
    const blob = await res.blob();
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = URL.createObjectURL(blob);
    const name = backend.filename(handle, res);
    const download = h('a', { class: 'button', href: objectUrl, download: name, 'data-testid': 'download-result' }, `Download ${name}`);
    if (name.endsWith('.parquet')) {
      return panel('Result', h('p', { class: 'muted' }, 'A Parquet result is not previewed here; download it to read it.'), { actions: download });
    }
    const { grid, chart, count, truncated } = resultTable(await blob.text());
    return panel('Result', [
      h('p', { class: 'result-meta' }, `${count}${truncated ? '+' : ''} row${count === 1 ? '' : 's'}${truncated ? ` (the first ${PREVIEW_ROWS} are shown)` : ''}`,
        meta ? ` · ${meta}` : ''),
      h('div', { class: 'result-split' },
        h('div', { class: 'result-scroll', 'data-testid': 'result-table' }, grid),
        chart),
    ], { actions: download, testid: 'result' });
  }

  function showRefusal(err, sqlText) {
    const position = errorPosition(err.message);
    clear(out).append(banner('bad', 'The query was not run', err.message));
    if (position) {
      out.append(excerpt(sqlText, position));
      selectPosition(textarea, position);
    }
  }

  // Follows a started run until it ends.
  async function follow(handle) {
    const started = Date.now();
    const mine = ++generation;
    const gone = () => stopped || mine !== generation;
    for (;;) {
      if (gone()) return;
      let state;
      try {
        state = await backend.poll(handle);
      } catch (err) {
        clear(out).append(banner('bad', 'The query\'s status could not be read', err.message));
        return;
      }
      if (gone()) return;
      if (!state.done) {
        clear(out).append(statusLine(state.status, state.fraction ?? null, started, handle));
        await new Promise((r) => { setTimeout(r, 400); });
        continue;
      }
      clear(out).append(statusLine(state.status, undefined, started));
      onFinished();
      if (!state.ok) {
        out.append(banner('bad', `The query ${label(state.status).toLowerCase()}`, state.message || ''));
        const position = errorPosition(state.message);
        if (position) out.append(excerpt(textarea.value, position));
        return;
      }
      try {
        const result = await showResult(handle, state.meta);
        if (!gone()) out.append(result);
      } catch (err) {
        if (!gone()) out.append(banner('bad', 'The result could not be read', err.message));
      }
      return;
    }
  }

  const form = h('form', {
    class: 'editor',
    onsubmit: async (e) => {
      e.preventDefault();
      const sqlText = textarea.value;
      run.disabled = true;
      generation += 1;
      clear(out).append(h('div', { class: 'run-status' }, badge('SUBMITTED', 'Submitting'), progressBar(null)));
      try {
        const handle = await backend.start(sqlText);
        await follow(handle);
      } catch (err) {
        showRefusal(err, sqlText);
      } finally {
        run.disabled = false;
      }
    },
  }, field('SQL', textarea, hint), h('div', { class: 'toolbar' }, extras, run));

  return {
    element: h('div', {}, panel(title, form, { testid: 'query-editor' }), out),
    // Shows an earlier run: its SQL and its outcome.
    show: (handle, sqlText) => { textarea.value = sqlText; follow(handle); },
  };
}
