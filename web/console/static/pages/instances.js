// Marketing Cloud: the AMC account's instances, the banner of each collaboration awaiting the
// primary account's membership, and the form that creates an AWS Clean Rooms backed instance.
import * as api from '../api.js';
import { badge, banner, bdi, breadcrumbs, emptyState, field, h, panel, table, when } from '../dom.js';
import { navigate } from '../router.js';

export function noAmcAccount() {
  return banner('warn', 'Your user has no AMC account',
    'An operator grants one with `cleanroom admin user create --amc-account ADVERTISER_ID`.');
}

// Where "Go to Clean Rooms" leads: the Create membership page while the primary account is only
// invited (as in the reference), else the collaboration; acting as the primary account.
export function cleanRoomsHref(instance) {
  const c = instance.acrCollaboration;
  const page = c.status === 'Invited' ? '/create-membership' : '';
  return `/console/cleanrooms/collaborations/${api.q(c.id)}${page}?account=${api.q(instance.awsAccountId)}`;
}

export function joinBanner(instance) {
  const c = instance.acrCollaboration;
  return h('div', { 'data-testid': 'join-banner' }, banner('info', ['Collaboration ', bdi(c.name), ' is available to join'],
    ['Instance ', bdi(instance.instanceName), ` (${instance.instanceId}) becomes Active once its primary AWS account ` +
      `${instance.awsAccountId} creates a membership in AWS Clean Rooms and chooses where query results go.`],
    h('a', { class: 'button primary', href: cleanRoomsHref(instance) }, 'Go to Clean Rooms')));
}

export function collaborationStatus(status) {
  return badge(status === 'Invited' ? 'INVITED' : status, status);
}

export async function instancesPage(ctx) {
  const head = [
    breadcrumbs([['Marketing Cloud'], ['Instances']]),
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Instances'),
        h('p', { class: 'lede' }, 'Each instance is backed by an AWS Clean Rooms collaboration that holds you, the platform\'s members and your partners.')),
      ctx.amc ? h('div', { class: 'actions' }, h('a', { class: 'button primary', href: '/console/amc/instances/new' }, 'Create instance')) : null),
  ];
  if (!ctx.amc) return h('div', {}, head, noAmcAccount());
  const instances = await api.all((token) => api.get(`/amc/instances${token ? `?nextToken=${api.q(token)}` : ''}`, { amc: ctx.amc }), 'instances');
  const awaiting = instances.filter((i) => i.acrCollaboration.status === 'Invited');
  const rows = table([
    { title: 'Name', cell: (i) => h('a', { href: `/console/amc/instances/${api.q(i.instanceId)}` }, bdi(i.instanceName)) },
    { title: 'Instance ID', cell: (i) => h('span', { class: 'mono' }, i.instanceId) },
    { title: 'Status', cell: (i) => badge(i.creationStatus) },
    { title: 'Collaboration', cell: (i) => bdi(i.acrCollaboration.name) },
    { title: 'Collaboration status', cell: (i) => collaborationStatus(i.acrCollaboration.status) },
    { title: 'Primary AWS account', cell: (i) => h('span', { class: 'mono' }, i.awsAccountId) },
    { title: 'Created', cell: (i) => h('span', { class: 'nowrap' }, when(i.creationDatetime)) },
  ], instances, emptyState('No instances yet', 'Create an AWS Clean Rooms backed instance to start a collaboration.',
    h('a', { class: 'button primary', href: '/console/amc/instances/new' }, 'Create instance')));
  return h('div', {}, head,
    ctx.flash ? banner(ctx.flash.tone, ctx.flash.title, ctx.flash.text) : null,
    awaiting.map(joinBanner),
    panel('Instances', rows, { count: instances.length, flush: true, testid: 'instances' }));
}

function partnerRow(rows) {
  const row = h('div', { class: 'partner-row' },
    h('input', { type: 'text', placeholder: 'AWS account ID (12 digits)', 'aria-label': 'Partner AWS account ID', name: 'partnerAccount' }),
    h('input', { type: 'text', placeholder: 'Display name', 'aria-label': 'Partner display name', name: 'partnerName' }),
    h('label', { class: 'nowrap' }, h('input', { type: 'checkbox', name: 'partnerReceives' }), ' Receives results'),
    h('button', { type: 'button', class: 'link', onclick: () => row.remove() }, 'Remove'));
  rows.append(row);
}

export async function createInstancePage(ctx) {
  const head = [
    breadcrumbs([['Marketing Cloud'], ['Instances', '/console/amc/instances'], ['Create instance']]),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Create instance'),
      h('p', { class: 'lede' }, 'An AWS Clean Rooms backed instance. Its collaboration is created with it; the results bucket is chosen later, when the primary AWS account creates its membership.'))),
  ];
  if (!ctx.amc) return h('div', {}, head, noAmcAccount());
  const name = h('input', { type: 'text', name: 'instanceName', autocomplete: 'off' });
  const account = h('input', { type: 'text', name: 'awsAccountId', value: ctx.aws, list: 'aws-accounts', autocomplete: 'off', inputmode: 'numeric' });
  const advertiser = h('input', { type: 'text', name: 'advertiserName', autocomplete: 'off' });
  const partners = h('div', { class: 'field' });
  const message = h('div', {});
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create instance');

  const form = h('form', {
    class: 'stack',
    onsubmit: async (e) => {
      e.preventDefault();
      message.replaceChildren();
      const body = { instanceName: name.value, awsAccountId: account.value.trim(), acrBacked: true };
      if (advertiser.value !== '') body.advertiserName = advertiser.value;
      const rows = [...partners.querySelectorAll('.partner-row')];
      if (rows.length) {
        body.acrCustomerPartners = rows.map((r) => ({
          awsAccountId: r.querySelector('[name=partnerAccount]').value.trim(),
          displayName: r.querySelector('[name=partnerName]').value,
          abilities: r.querySelector('[name=partnerReceives]').checked ? ['CAN_RECEIVE_RESULTS'] : [],
        }));
      }
      submit.disabled = true;
      try {
        const { instance } = await api.post('/amc/instances', body, { amc: ctx.amc });
        ctx.setFlash('ok', `Instance ${instance.instanceName} created`,
          `Its collaboration ${instance.acrCollaboration.name} now awaits the membership of AWS account ${instance.awsAccountId}.`);
        navigate(`/console/amc/instances/${api.q(instance.instanceId)}`);
      } catch (err) {
        message.append(banner('bad', 'The instance was not created', err.message));
        submit.disabled = false;
      }
    },
  },
  message,
  field('Instance name', name, '3 to 50 characters.'),
  field('Primary AWS account ID', account, 'Receives the query results, and joins the collaboration by creating its membership.'),
  h('datalist', { id: 'aws-accounts' }, ctx.session.awsAccounts.map((a) => h('option', { value: a.accountId }, a.name))),
  field('Advertiser name (optional)', advertiser, 'Letters, digits and spaces, not starting or ending with a space.'),
  h('div', { class: 'field' }, h('span', { class: 'label' }, 'Customer partners (optional)'),
    h('div', { class: 'hint' }, 'Other AWS accounts that bring data into the instance\'s collaboration.'),
    partners,
    h('div', {}, h('button', { type: 'button', onclick: () => partnerRow(partners) }, 'Add partner'))),
  h('div', { class: 'form-actions' }, h('a', { class: 'button', href: '/console/amc/instances' }, 'Cancel'), submit));

  return h('div', {}, head, panel('Instance details', form));
}
