// The result drawn as people read it: bars for one dimension and a measure, a line when the first
// column is a date or a timestamp. Plain SVG built here (no library, nothing fetched), so the
// console charts offline. Values are labelled as the result gives them, never rounded; only the
// axis ticks are round numbers.
import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const NUMBER = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;
const DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const WIDTH = 560;

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const every = (rows, c, re) => rows.some((r) => r[c] !== '') && rows.every((r) => r[c] === '' || re.test(r[c]));

// A date or timestamp as UTC milliseconds (a value without a zone is read as UTC, as results are).
export function timeOf(text) {
  let t = text.replace(' ', 'T');
  if (t.length === 10) t += 'T00:00:00';
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(t)) t += 'Z';
  return Date.parse(t);
}

// What the result can be drawn as: {kind: 'bar'|'line', x, measures} or {kind: null, reason}.
export function chartShape(columns, rows) {
  if (!rows.length) return { kind: null, reason: 'No rows to draw.' };
  const numeric = columns.map((_, c) => every(rows, c, NUMBER));
  const dated = columns.map((_, c) => every(rows, c, DATE));
  if (dated[0] && columns.length > 1) {
    const measures = columns.map((_, c) => c).filter((c) => c > 0 && numeric[c]);
    const others = columns.map((_, c) => c).filter((c) => c > 0 && !numeric[c]);
    if (measures.length && !others.length) return { kind: 'line', x: 0, measures };
    if (others.length) return { kind: null, reason: 'A date with a second dimension is not drawn: one line over time needs the date and numeric measures only.' };
  }
  const dimensions = columns.map((_, c) => c).filter((c) => !numeric[c]);
  const measures = columns.map((_, c) => c).filter((c) => numeric[c]);
  if (dimensions.length === 1 && measures.length) return { kind: 'bar', x: dimensions[0], measures };
  if (!measures.length) return { kind: null, reason: 'No numeric column to draw.' };
  if (!dimensions.length) return { kind: null, reason: 'No dimension to draw the numbers by: bars need one text column beside the measure.' };
  return { kind: null, reason: `${dimensions.length} text columns: bars need exactly one dimension beside the measure.` };
}

// Round tick values spanning [lo, hi].
function ticks(lo, hi, count = 5) {
  if (lo === hi) { lo = Math.min(0, lo); hi = hi === 0 ? 1 : Math.max(0, hi); }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw);
  const out = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < hi) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

const tickText = (v) => (Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential() : v.toLocaleString('en-US', { maximumFractionDigits: 12 }));

function frame(title, description, height) {
  const id = `chart-${Math.random().toString(36).slice(2, 9)}`;
  return s('svg', { class: 'chart', viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: 'img',
    'aria-labelledby': `${id}-t ${id}-d`, 'data-testid': 'chart-svg' },
  s('title', { id: `${id}-t` }, title), s('desc', { id: `${id}-d` }, description));
}

// Long labels keep their start and their end, where names that share a prefix differ.
function shorten(text, n) {
  const chars = Array.from(text);
  if (chars.length <= n) return text;
  const head = Math.ceil((n - 1) / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (n - 1 - head)).join('')}`;
}

function barChart(columns, rows, x, m) {
  const points = rows.filter((r) => r[m] !== '');
  const values = points.map((r) => Number(r[m]));
  const t = ticks(Math.min(0, ...values), Math.max(0, ...values));
  const lo = t[0];
  const hi = t[t.length - 1];
  const left = 190;
  const right = WIDTH - 70;
  const top = 22;
  const band = 22;
  const bottom = top + band * points.length;
  const height = bottom + 44;
  const px = (v) => left + ((v - lo) / (hi - lo)) * (right - left);
  const svg = frame(`Bar chart of ${columns[m]} by ${columns[x]}`,
    `${points.length} bar${points.length === 1 ? '' : 's'}, one per row in the result's order; each is labelled with its value as the result gives it.`, height);
  for (const v of t) {
    svg.append(s('line', { class: 'grid-line', x1: px(v), x2: px(v), y1: top, y2: bottom }),
      s('text', { class: 'tick', x: px(v), y: bottom + 14, 'text-anchor': 'middle' }, tickText(v)));
  }
  points.forEach((r, i) => {
    const v = Number(r[m]);
    const y = top + i * band;
    const x0 = px(Math.min(0, v));
    const w = Math.max(Math.abs(px(v) - px(0)), 1);
    svg.append(s('g', { class: 'bar', 'data-testid': 'chart-bar' },
      s('title', {}, `${r[x]}: ${r[m]}`),
      s('text', { class: 'tick', x: left - 6, y: y + band / 2 + 4, 'text-anchor': 'end' }, shorten(r[x] || '(empty)', 30)),
      s('rect', { x: x0, y: y + 3, width: w, height: band - 6 }),
      s('text', { class: 'value', x: x0 + w + 4, y: y + band / 2 + 4 }, r[m])));
  });
  svg.append(s('line', { class: 'axis', x1: px(0), x2: px(0), y1: top, y2: bottom }),
    s('text', { class: 'axis-label', x: (left + right) / 2, y: bottom + 34, 'text-anchor': 'middle' }, columns[m]),
    s('text', { class: 'axis-label', x: left - 6, y: top - 8, 'text-anchor': 'end' }, columns[x]));
  return { svg, skipped: rows.length - points.length };
}

function lineChart(columns, rows, x, m) {
  const points = rows.filter((r) => r[m] !== '' && r[x] !== '').map((r) => ({ t: timeOf(r[x]), v: Number(r[m]), r }))
    .sort((a, b) => a.t - b.t);
  const t = ticks(Math.min(0, ...points.map((p) => p.v)), Math.max(0, ...points.map((p) => p.v)));
  const lo = t[0];
  const hi = t[t.length - 1];
  const t0 = points[0].t;
  const t1 = points[points.length - 1].t;
  const left = 70;
  const right = WIDTH - 20;
  const top = 14;
  const bottom = 230;
  const px = (ms) => (t1 === t0 ? (left + right) / 2 : left + ((ms - t0) / (t1 - t0)) * (right - left));
  const py = (v) => bottom - ((v - lo) / (hi - lo)) * (bottom - top);
  const svg = frame(`Line chart of ${columns[m]} over ${columns[x]}`,
    `${points.length} point${points.length === 1 ? '' : 's'} from ${points[0].r[x]} to ${points[points.length - 1].r[x]}, in time order.`, bottom + 48);
  for (const v of t) {
    svg.append(s('line', { class: 'grid-line', x1: left, x2: right, y1: py(v), y2: py(v) }),
      s('text', { class: 'tick', x: left - 6, y: py(v) + 4, 'text-anchor': 'end' }, tickText(v)));
  }
  const labelled = [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])];
  for (const i of labelled) {
    svg.append(s('text', { class: 'tick', x: px(points[i].t), y: bottom + 16, 'text-anchor': i === 0 && points.length > 1 ? 'start' : i === points.length - 1 && points.length > 1 ? 'end' : 'middle' }, points[i].r[x]));
  }
  svg.append(s('line', { class: 'axis', x1: left, x2: right, y1: py(Math.max(lo, Math.min(0, hi))), y2: py(Math.max(lo, Math.min(0, hi))) }),
    s('polyline', { class: 'line', points: points.map((p) => `${px(p.t)},${py(p.v)}`).join(' ') }));
  for (const p of points) {
    svg.append(s('circle', { class: 'point', cx: px(p.t), cy: py(p.v), r: 3, 'data-testid': 'chart-point' }, s('title', {}, `${p.r[x]}: ${p.r[m]}`)));
  }
  svg.append(s('text', { class: 'axis-label', x: (left + right) / 2, y: bottom + 38, 'text-anchor': 'middle' }, columns[x]),
    s('text', { class: 'axis-label', x: 14, y: (top + bottom) / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${(top + bottom) / 2})` }, columns[m]));
  return { svg, skipped: rows.length - points.length };
}

// The chart beside the result table, with a measure selector when there are several.
export function resultChart(columns, rows, { truncated } = {}) {
  const shape = chartShape(columns, rows);
  if (!shape.kind) {
    return h('div', { class: 'chart-box', 'data-testid': 'result-chart', 'data-kind': 'none' },
      h('p', { class: 'muted chart-note', 'data-testid': 'chart-note' }, `No chart for this result. ${shape.reason}`));
  }
  const holder = h('div', { class: 'chart-scroll' });
  const note = h('p', { class: 'muted chart-note' });
  const draw = (m) => {
    const { svg, skipped } = (shape.kind === 'line' ? lineChart : barChart)(columns, rows, shape.x, m);
    holder.replaceChildren(svg);
    note.textContent = [truncated ? `Drawn from the first ${rows.length} rows.` : '',
      skipped ? `${skipped} row${skipped === 1 ? '' : 's'} without a value not drawn.` : ''].filter(Boolean).join(' ');
  };
  const select = shape.measures.length > 1
    ? h('select', { 'aria-label': 'Measure', 'data-testid': 'chart-measure', onchange: (e) => draw(Number(e.target.value)) },
      shape.measures.map((c) => h('option', { value: String(c) }, `\u2068${columns[c]}\u2069`)))
    : null;
  draw(shape.measures[0]);
  return h('div', { class: 'chart-box', 'data-testid': 'result-chart', 'data-kind': shape.kind },
    select ? h('label', { class: 'chart-measure' }, 'Measure ', select) : null, holder, note);
}
