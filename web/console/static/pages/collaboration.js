// Clean Rooms: one collaboration as the acting account sees it. Members with their abilities and
// statuses, the account's membership and leaving it, the tables and rules in the collaboration,
// and, for a member that can query, the protected query editor; change requests with the
// account's votes, and the tags of the collaboration and of the account's membership.
import * as api from '../api.js';
import {
  badge, banner, bdi, breadcrumbs, collaborationName, confirmDialog, details, emptyState, h, label, panel, table, tabs, when,
} from '../dom.js';
import { queryEditor } from '../query_editor.js';
import { navigate } from '../router.js';
import { ruleDetails } from '../rules.js';
import { tagEditor } from '../tags.js';
import { changeRequestsTab, listChangeRequests, waitingForVote } from './change_requests.js';
import { actingAs, noAwsAccount } from './collaborations.js';

const ENDED = ['SUCCESS', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

export function abilityChips(list) {
  return list && list.length ? list.map((a) => h('span', { class: 'chip' }, label(a))) : h('span', { class: 'muted' }, 'None');
}

export function destination(config) {
  const s3 = config && config.outputConfiguration && config.outputConfiguration.s3;
  if (!s3) return '';
  return `s3://${s3.bucket}/${s3.keyPrefix ? `${s3.keyPrefix.replace(/\/+$/, '')}/` : ''}`;
}

export function membersTable(members) {
  return table([
    { title: 'Member', cell: (m) => bdi(m.displayName) },
    { title: 'AWS account', cell: (m) => h('span', { class: 'mono' }, m.accountId) },
    { title: 'Abilities', cell: (m) => abilityChips(m.abilities) },
    { title: 'Status', cell: (m) => badge(m.status) },
    { title: 'Since', cell: (m) => h('span', { class: 'nowrap' }, when(m.updateTime)) },
  ], members, emptyState('No members'));
}

async function leave(ctx, collaboration) {
  const ok = await confirmDialog({
    title: ['Leave ', bdi(collaboration.name), '?'],
    text: [
      h('p', {}, h('strong', {}, 'This cannot be undone.'), ' Your membership ends now, and this account can never join this collaboration again; an AMC instance backed by it can no longer run queries.'),
      h('p', {}, 'Results already delivered stay in your results bucket. Other members will see your status as Left.'),
    ],
    confirm: 'Leave collaboration',
    danger: true,
  });
  if (!ok) return;
  try {
    await api.cleanrooms.del(`/memberships/${api.q(collaboration.membershipId)}`, ctx.aws);
  } catch (err) {
    ctx.setFlash('bad', 'You did not leave the collaboration', err.message);
    ctx.refresh();
    return;
  }
  // A member that left can no longer open the collaboration: back to the list.
  ctx.setFlash('ok', ['You left ', bdi(collaboration.name)], 'Your membership has ended. Results already delivered stay in your bucket.');
  navigate('/console/cleanrooms/collaborations');
}

async function tablesTab(ctx, collaboration, members) {
  if (collaboration.memberStatus !== 'ACTIVE') {
    return [banner('info', 'Tables are shown to active members', 'Create a membership to see the tables in this collaboration and their analysis rules.')];
  }
  const id = api.q(collaboration.id);
  const schemas = await api.all((token) => api.cleanrooms.get(
    `/collaborations/${id}/schemas${token ? `?nextToken=${api.q(token)}` : ''}`, ctx.aws), 'schemaSummaries');
  if (!schemas.length) {
    return [panel('Tables', emptyState('No tables in this collaboration yet', 'A member brings a table by associating one of its configured tables with its membership.'))];
  }
  const owner = (account) => (members.find((m) => m.accountId === account) || {}).displayName || account;
  const items = await Promise.all(schemas.map(async (s) => {
    const { schema } = await api.cleanrooms.get(`/collaborations/${id}/schemas/${api.q(s.name)}`, ctx.aws);
    const type = schema.analysisRuleTypes[0];
    let rule = h('span', { class: 'muted' }, 'No analysis rule: the table cannot be queried yet.');
    if (type) {
      const { analysisRule } = await api.cleanrooms.get(
        `/collaborations/${id}/schemas/${api.q(s.name)}/analysisRule/${api.q(type)}`, ctx.aws);
      rule = ruleDetails(type, analysisRule.policy);
    }
    const ready = (schema.schemaStatusDetails || [])[0] || {};
    return panel(h('span', { class: 'mono' }, bdi(schema.name)), [
      details([
        ['Owner', [bdi(owner(schema.creatorAccountId)), ` (${schema.creatorAccountId})`]],
        ['Analysis rule', type ? badge('ACTIVE', label(type)) : 'None'],
        ['Status', badge(ready.status || 'READY')],
        ['Description', schema.description ? bdi(schema.description) : ''],
      ]),
      h('h3', {}, 'Columns'),
      h('div', {}, schema.columns.map((c) => h('span', { class: 'chip mono', title: c.type }, bdi(c.name), ` · ${c.type}`))),
      h('h3', {}, 'Analysis rule'),
      rule,
    ], { testid: `schema-${schema.name}` });
  }));
  return items;
}

function protectedQueryBackend(ctx, membershipId) {
  const base = `/memberships/${api.q(membershipId)}/protectedQueries`;
  return {
    start: async (sql) => {
      const { protectedQuery } = await api.cleanrooms.post(base, { type: 'SQL', sqlParameters: { queryString: sql } }, ctx.aws);
      return protectedQuery.id;
    },
    poll: async (id) => {
      const { protectedQuery: pq } = await api.cleanrooms.get(`${base}/${api.q(id)}`, ctx.aws);
      const done = ENDED.includes(pq.status);
      return {
        status: pq.status, done, ok: pq.status === 'SUCCESS',
        fraction: pq.progress ? pq.progress.fraction : null,
        message: pq.error ? pq.error.message : '',
        meta: pq.result ? `delivered to ${pq.result.output.s3.location}` : '',
      };
    },
    cancel: (id) => api.cleanrooms.patch(`${base}/${api.q(id)}`, { targetStatus: 'CANCELLED' }, ctx.aws),
    result: (id) => api.get(`/results/memberships/${api.q(membershipId)}/protectedQueries/${api.q(id)}`, { aws: ctx.aws, raw: true }),
    filename: (id, res) => ((res.headers.get('Content-Type') || '').includes('parquet') ? `result-${id.slice(0, 8)}.parquet` : `result-${id.slice(0, 8)}.csv`),
  };
}

async function queriesTab(ctx, collaboration) {
  const historyBody = h('div', {});
  const loadHistory = async () => {
    const { protectedQueries } = await api.cleanrooms.get(`/memberships/${api.q(collaboration.membershipId)}/protectedQueries?maxResults=10`, ctx.aws);
    historyBody.replaceChildren(table([
      { title: 'Query', cell: (pq) => h('span', { class: 'mono' }, pq.id.slice(0, 8)) },
      { title: 'Status', cell: (pq) => badge(pq.status) },
      { title: 'Started', cell: (pq) => when(pq.createTime) },
    ], protectedQueries, emptyState('No queries yet', 'Run a query above; it is listed here.')));
  };
  const editor = queryEditor({
    title: 'Protected query',
    onFinished: () => loadHistory().catch(() => {}),
    sql: 'SELECT COUNT(DISTINCT user_id) AS users FROM ',
    hint: 'Every table\'s analysis rule is checked before the query runs; the result goes to your membership\'s results destination.',
    backend: protectedQueryBackend(ctx, collaboration.membershipId),
    onLeave: ctx.onLeave,
  });
  await loadHistory();
  return [editor.element, panel('Recent queries', historyBody, { flush: true })];
}

export async function collaborationPage(ctx) {
  if (!ctx.aws) return noAwsAccount();
  const id = ctx.params.collaborationId;
  let collaboration;
  let members;
  try {
    [{ collaboration }, members] = await Promise.all([
      api.cleanrooms.get(`/collaborations/${api.q(id)}`, ctx.aws),
      api.all((token) => api.cleanrooms.get(`/collaborations/${api.q(id)}/members${token ? `?nextToken=${api.q(token)}` : ''}`, ctx.aws), 'memberSummaries'),
    ]);
  } catch (err) {
    if (err.status !== 403 && err.status !== 404) throw err;
    return h('div', {},
      breadcrumbs([['Clean Rooms'], ['Collaborations', '/console/cleanrooms/collaborations'], [id]]),
      h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Collaboration'), actingAs(ctx))),
      banner('warn', 'This collaboration is not open to this account', err.message),
      h('p', {}, h('a', { href: '/console/cleanrooms/collaborations' }, 'Back to collaborations')));
  }
  const me = members.find((m) => m.accountId === ctx.aws) || { abilities: [] };
  const membership = collaboration.membershipId
    ? (await api.cleanrooms.get(`/memberships/${api.q(collaboration.membershipId)}`, ctx.aws)).membership : null;
  const active = collaboration.memberStatus === 'ACTIVE';
  const canQuery = active && me.abilities.includes('CAN_QUERY');
  // Only active members read change requests; the header tells of those waiting for a vote.
  const waiting = active ? waitingForVote(await listChangeRequests(ctx, collaboration.id, 'PENDING'), ctx.aws) : [];
  let tab = ctx.query.get('tab') || 'members';
  if (!['members', 'tables', 'queries', 'changes'].includes(tab) || (tab === 'queries' && !canQuery)
      || (tab === 'changes' && !active)) tab = 'members';
  const href = `/console/cleanrooms/collaborations/${api.q(id)}`;

  let body;
  if (tab === 'tables') body = await tablesTab(ctx, collaboration, members);
  else if (tab === 'queries') body = await queriesTab(ctx, collaboration);
  else if (tab === 'changes') body = await changeRequestsTab(ctx, collaboration);
  else {
    body = [
      panel('Overview', details([
        ['Description', collaboration.description ? bdi(collaboration.description) : ''],
        ['Creator', [bdi(collaboration.creatorDisplayName), ` (${collaboration.creatorAccountId})`]],
        ['Your status', h('span', { 'data-testid': 'my-status' }, badge(collaboration.memberStatus))],
        ['Your abilities', abilityChips(me.abilities)],
        ['Query logging', label(collaboration.queryLogStatus)],
        ['Collaboration ID', h('span', { class: 'mono' }, collaboration.id)],
      ])),
      membership ? panel('Your membership', [details([
        ['Membership ID', h('span', { class: 'mono' }, membership.id)],
        ['Status', badge(membership.status)],
        ['Results destination', h('span', { class: 'mono' }, destination(membership.defaultResultConfiguration) || 'None')],
        ['Result format', membership.defaultResultConfiguration ? membership.defaultResultConfiguration.outputConfiguration.s3.resultFormat : '—'],
        ['Query logging', label(membership.queryLogStatus)],
        ['Joined', when(membership.createTime)],
      ]), h('h3', {}, 'Membership tags'), tagEditor(ctx, membership.arn, { testid: 'membership-tags' })], { testid: 'membership' }) : null,
      panel('Members', membersTable(members), { count: members.length, flush: true, testid: 'members' }),
      panel('Collaboration tags', tagEditor(ctx, collaboration.arn, {
        owner: collaboration.creatorAccountId === ctx.aws,
        ownerText: `the collaboration's creator, account ${collaboration.creatorAccountId}`,
        testid: 'collaboration-tags',
      })),
    ];
  }

  const actions = [];
  if (collaboration.memberStatus === 'INVITED') {
    actions.push(h('a', { class: 'button primary', href: `${href}/create-membership` }, 'Create membership'));
  }
  if (active && collaboration.membershipId) {
    actions.push(h('button', { type: 'button', class: 'danger', onclick: () => leave(ctx, collaboration) }, 'Leave collaboration'));
  }
  const tabList = [['members', 'Members', href], ['tables', 'Tables', `${href}?tab=tables`]];
  if (canQuery) tabList.push(['queries', 'Queries', `${href}?tab=queries`]);
  if (active) {
    tabList.push(['changes', waiting.length ? h('span', {}, 'Change requests ', h('span', { class: 'count-badge', 'data-testid': 'pending-votes' }, String(waiting.length)))
      : 'Change requests', `${href}?tab=changes`]);
  }
  return h('div', {},
    breadcrumbs([['Clean Rooms'], ['Collaborations', '/console/cleanrooms/collaborations'], [bdi(collaboration.name)]]),
    h('div', { class: 'page-head' },
      h('div', {}, h('div', { class: 'title' }, h('h1', {}, bdi(collaboration.name)), badge(collaboration.memberStatus)),
        h('div', { 'data-testid': 'collaboration-owner' }, collaborationName(collaboration).lastChild), actingAs(ctx)),
      actions.length ? h('div', { class: 'actions' }, actions) : null),
    ctx.flash ? banner(ctx.flash.tone, ctx.flash.title, ctx.flash.text) : null,
    collaboration.memberStatus === 'INVITED'
      ? banner('info', 'You are invited to this collaboration', 'Create a membership to join it: review your abilities and choose where query results go.') : null,
    waiting.length > 0 && tab !== 'changes'
      ? banner('warn', `${waiting.length} change request${waiting.length === 1 ? '' : 's'} wait${waiting.length === 1 ? 's' : ''} for your vote`,
        'The creator proposes a change to the members; every other active member approves or denies it.',
        h('a', { class: 'button', href: `${href}?tab=changes`, 'data-testid': 'vote-link' }, 'Review change requests')) : null,
    collaboration.memberStatus === 'LEFT'
      ? banner('warn', 'You left this collaboration', 'This account cannot join it again. Results already delivered stay in your results bucket.') : null,
    tabs(tabList, tab),
    body);
}
