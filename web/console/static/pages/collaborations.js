// Clean Rooms: the AWS account's collaborations, Active and Available to join; an active one
// marks the change requests waiting for the account's vote.
import * as api from '../api.js';
import { badge, banner, bdi, breadcrumbs, collaborationName, emptyState, h, panel, table, tabs, when } from '../dom.js';
import { listChangeRequests, waitingForVote } from './change_requests.js';

export function noAwsAccount() {
  return banner('warn', 'Your user has no AWS account',
    'An operator grants one with `cleanroom admin user create --aws-account ACCOUNT_ID`.');
}

export function actingAs(ctx) {
  const a = ctx.session.awsAccounts.find((x) => x.accountId === ctx.aws);
  return a ? h('p', { class: 'lede' }, 'Acting as AWS account ', h('span', { class: 'mono' }, a.accountId), ' (', bdi(a.name), ').') : null;
}

export async function collaborationsPage(ctx) {
  const tab = ctx.query.get('tab') === 'available' ? 'available' : 'active';
  const head = [
    breadcrumbs([['Clean Rooms'], ['Collaborations']]),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Collaborations'), actingAs(ctx))),
  ];
  if (!ctx.aws) return h('div', {}, head, noAwsAccount());
  const status = tab === 'available' ? 'INVITED' : 'ACTIVE';
  const list = await api.all((token) => api.cleanrooms.get(
    `/collaborations?memberStatus=${status}${token ? `&nextToken=${api.q(token)}` : ''}`, ctx.aws), 'collaborationList');
  const link = (c) => `/console/cleanrooms/collaborations/${api.q(c.id)}`;
  if (tab === 'active') {
    await Promise.all(list.map(async (c) => {
      c.waiting = waitingForVote(await listChangeRequests(ctx, c.id, 'PENDING').catch(() => []), ctx.aws).length;
    }));
  }
  const votes = (c) => (c.waiting ? h('a', { class: 'badge warn', href: `${link(c)}?tab=changes`, 'data-testid': 'pending-votes' },
    `${c.waiting} vote${c.waiting === 1 ? '' : 's'} pending`) : null);
  const columns = [
    { title: 'Name', cell: (c) => collaborationName(c, { link: link(c) }) },
    { title: 'Creator', cell: (c) => [bdi(c.creatorDisplayName), h('div', { class: 'muted mono' }, c.creatorAccountId)] },
    { title: 'Your status', cell: (c) => [badge(c.memberStatus), ' ', votes(c)] },
    { title: 'Created', cell: (c) => h('span', { class: 'nowrap' }, when(c.createTime)) },
  ];
  if (tab === 'available') {
    columns.push({ title: '', cell: (c) => h('a', { class: 'button primary', href: `${link(c)}/create-membership` }, 'Create membership') });
  }
  const empty = tab === 'available'
    ? emptyState('No collaboration is available to join', 'When an AMC instance names this account as its primary account, its collaboration appears here.')
    : emptyState('You are not an active member of any collaboration', 'Collaborations you join appear here.',
      h('a', { class: 'button', href: '/console/cleanrooms/collaborations?tab=available' }, 'See collaborations available to join'));
  return h('div', {}, head,
    ctx.flash ? banner(ctx.flash.tone, ctx.flash.title, ctx.flash.text) : null,
    tabs([['active', 'Active', '/console/cleanrooms/collaborations?tab=active'],
      ['available', 'Available to join', '/console/cleanrooms/collaborations?tab=available']], tab),
    panel(tab === 'available' ? 'Available to join' : 'Active collaborations', table(columns, list, empty),
      { count: list.length, flush: true, testid: `collaborations-${tab}` }));
}
