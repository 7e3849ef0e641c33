// Clean Rooms: a collaboration's change requests (the user guide's change-requests page). The
// other active members vote (Approve, Deny); the creator commits or cancels. Buttons are offered
// where the account may act, but the API decides: a refusal shows its message as it is.
import * as api from '../api.js';
import { badge, emptyState, h, label, panel, table, when } from '../dom.js';

const base = (collaborationId) => `/collaborations/${api.q(collaborationId)}/changeRequests`;

export function listChangeRequests(ctx, collaborationId, status) {
  return api.all((token) => api.cleanrooms.get(`${base(collaborationId)}?${[
    status ? `status=${status}` : '', token ? `nextToken=${api.q(token)}` : ''].filter(Boolean).join('&')}`, ctx.aws),
  'collaborationChangeRequestSummaries');
}

// The requests waiting for this account's vote.
export function waitingForVote(requests, account) {
  return requests.filter((r) => r.status === 'PENDING' && r.approvals && r.approvals[account]
    && r.approvals[account].status === 'PENDING');
}

function changeText(c) {
  const spec = c.specification || {};
  const types = (c.types || []).map((t) => h('span', { class: 'chip' }, label(t)));
  if (spec.member) {
    const m = spec.member;
    return h('div', {}, types, ' account ', h('span', { class: 'mono' }, m.accountId),
      m.displayName ? [' (', h('bdi', { dir: 'auto' }, m.displayName), ')'] : null,
      ', abilities: ', (m.memberAbilities || []).length ? m.memberAbilities.map(label).join(', ') : 'none');
  }
  if (spec.collaboration) {
    const list = spec.collaboration.autoApprovedChangeTypes || [];
    return h('div', {}, types, ' auto-approved change types: ', list.length ? list.map(label).join(', ') : 'none');
  }
  return h('div', {}, types);
}

function votes(r) {
  const entries = Object.entries(r.approvals || {});
  if (!entries.length) return h('span', { class: 'muted' }, r.isAutoApproved ? 'Auto-approved' : 'No other member votes');
  return entries.map(([account, v]) => h('div', { class: 'nowrap' }, h('span', { class: 'mono' }, account), ' ', badge(v.status)));
}

async function act(ctx, collaborationId, r, action) {
  try {
    await api.cleanrooms.patch(`${base(collaborationId)}/${api.q(r.id)}`, { action }, ctx.aws);
    ctx.setFlash('ok', `Change request ${r.id.slice(0, 8)}: ${label(action)} done`, '');
  } catch (err) {
    ctx.setFlash('bad', `Change request ${r.id.slice(0, 8)} was not changed (${label(action)})`, err.message);
  }
  ctx.refresh();
}

export async function changeRequestsTab(ctx, collaboration) {
  const requests = await listChangeRequests(ctx, collaboration.id);
  requests.sort((a, b) => (b.createTime || 0) - (a.createTime || 0));
  const creator = collaboration.creatorAccountId === ctx.aws;
  const button = (r, action, text, cls) => h('button', {
    type: 'button', class: cls, 'data-testid': `change-request-${action.toLowerCase()}`,
    onclick: (e) => { e.currentTarget.disabled = true; act(ctx, collaboration.id, r, action); },
  }, text);
  const actions = (r) => {
    const out = [];
    const mine = r.approvals && r.approvals[ctx.aws];
    if (r.status === 'PENDING' && mine && mine.status === 'PENDING') {
      out.push(button(r, 'APPROVE', 'Approve', 'primary'), button(r, 'DENY', 'Deny', 'danger'));
    }
    if (creator && r.status === 'APPROVED') out.push(button(r, 'COMMIT', 'Commit', 'primary'));
    if (creator && (r.status === 'PENDING' || r.status === 'APPROVED')) out.push(button(r, 'CANCEL', 'Cancel request', ''));
    return out.length ? h('div', { class: 'row-actions' }, out) : null;
  };
  return [panel('Change requests', table([
    { title: 'Request', cell: (r) => h('span', { class: 'mono', title: r.id }, r.id.slice(0, 8)) },
    { title: 'Status', cell: (r) => h('span', { 'data-testid': 'change-request-status' }, badge(r.status)) },
    { title: 'Changes', cell: (r) => (r.changes || []).map(changeText) },
    { title: 'Votes', cell: votes },
    { title: 'Requested', cell: (r) => h('span', { class: 'nowrap' }, when(r.createTime)) },
    { title: '', cell: actions },
  ], requests, emptyState('No change requests',
    creator ? 'Change requests add members or change who receives results; the other active members vote on them.'
      : 'When the creator proposes a change, it is listed here for your vote.')),
  { count: requests.length, flush: true, testid: 'change-requests' })];
}
