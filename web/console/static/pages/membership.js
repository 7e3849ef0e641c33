// Clean Rooms: Create membership, as the reference walks through it: review the collaboration's
// overview and your member abilities, set the results destination in S3 and the result format,
// and create the membership to join.
import * as api from '../api.js';
import { badge, banner, bdi, breadcrumbs, collaborationName, details, field, h, panel } from '../dom.js';
import { navigate } from '../router.js';
import { actingAs, noAwsAccount } from './collaborations.js';
import { abilityChips, destination, membersTable } from './collaboration.js';

function formatChoice(value, text, hint, checked) {
  return h('label', { class: 'choice' },
    h('input', { type: 'radio', name: 'resultFormat', value, checked }),
    h('span', {}, text, h('small', {}, hint)));
}

export async function createMembershipPage(ctx) {
  if (!ctx.aws) return noAwsAccount();
  const id = ctx.params.collaborationId;
  const base = `/console/cleanrooms/collaborations/${api.q(id)}`;
  const [{ collaboration }, { memberSummaries: members }] = await Promise.all([
    api.cleanrooms.get(`/collaborations/${api.q(id)}`, ctx.aws),
    api.cleanrooms.get(`/collaborations/${api.q(id)}/members`, ctx.aws),
  ]);
  const me = members.find((m) => m.accountId === ctx.aws) || { abilities: [] };
  const head = [
    breadcrumbs([['Clean Rooms'], ['Collaborations', '/console/cleanrooms/collaborations'],
      [bdi(collaboration.name), base], ['Create membership']]),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Create membership'), actingAs(ctx))),
  ];
  if (collaboration.memberStatus !== 'INVITED') {
    return h('div', {}, head, banner('info', [`This account is ${collaboration.memberStatus.toLowerCase()} in `, bdi(collaboration.name)],
      'Only an invited account creates a membership.', h('a', { class: 'button', href: base }, 'Open the collaboration')));
  }

  const receives = me.abilities.includes('CAN_RECEIVE_RESULTS');
  const bucket = h('input', { type: 'text', name: 'bucket', placeholder: 'my-results-bucket', autocomplete: 'off' });
  const prefix = h('input', { type: 'text', name: 'keyPrefix', placeholder: 'amc/', autocomplete: 'off' });
  const preview = h('div', { class: 's3-preview' });
  const updatePreview = () => {
    preview.textContent = bucket.value ? `Results are written under ${destination({ outputConfiguration: { s3: { bucket: bucket.value, keyPrefix: prefix.value } } })}` : '';
  };
  bucket.addEventListener('input', updatePreview);
  prefix.addEventListener('input', updatePreview);
  const logging = h('input', { type: 'checkbox', name: 'queryLog', checked: collaboration.queryLogStatus === 'ENABLED' });
  const message = h('div', {});
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create membership');

  const results = receives
    ? panel('Query results settings', h('div', { class: 'stack' },
      h('div', { class: 'inline-fields' },
        field('Results destination in Amazon S3: bucket', bucket, 'Must differ from any bucket holding data you bring into the collaboration.'),
        field('Key prefix (optional)', prefix)),
      preview,
      h('div', { class: 'field' }, h('span', { class: 'label' }, 'Result format'),
        h('div', { class: 'choices', role: 'radiogroup', 'aria-label': 'Result format' },
          formatChoice('CSV', 'CSV', 'Comma-separated text', true),
          formatChoice('PARQUET', 'PARQUET', 'Columnar, typed')))))
    : panel('Query results settings', h('p', { class: 'muted' }, 'This account cannot receive results in this collaboration, so it sets no results destination.'));

  const form = h('form', {
    class: 'stack wide',
    onsubmit: async (e) => {
      e.preventDefault();
      message.replaceChildren();
      const body = { collaborationIdentifier: collaboration.id, queryLogStatus: logging.checked ? 'ENABLED' : 'DISABLED' };
      if (receives) {
        const s3 = { bucket: bucket.value.trim(), resultFormat: form.querySelector('[name=resultFormat]:checked').value };
        if (prefix.value.trim()) s3.keyPrefix = prefix.value.trim();
        body.defaultResultConfiguration = { outputConfiguration: { s3 } };
      }
      submit.disabled = true;
      try {
        const { membership } = await api.cleanrooms.post('/memberships', body, ctx.aws);
        ctx.setFlash('ok', 'Membership created',
          `This account is now an active member of ${membership.collaborationName}.${receives ? ` Query results go to ${destination(membership.defaultResultConfiguration)} as ${membership.defaultResultConfiguration.outputConfiguration.s3.resultFormat}.` : ''}`);
        navigate(base);
      } catch (err) {
        message.append(banner('bad', 'The membership was not created', err.message));
        submit.disabled = false;
        window.scrollTo(0, 0);
      }
    },
  },
  message,
  panel('Overview', [
    details([
      ['Collaboration', h('span', { 'data-testid': 'collaboration-name' }, collaborationName(collaboration))],
      ['Description', collaboration.description ? bdi(collaboration.description) : ''],
      ['Creator', [bdi(collaboration.creatorDisplayName), ` (${collaboration.creatorAccountId})`]],
      ['Your status', badge(collaboration.memberStatus)],
      ['Your member abilities', h('span', { 'data-testid': 'my-abilities' }, abilityChips(me.abilities))],
    ]),
    h('h3', {}, 'Members'),
    membersTable(members),
  ]),
  results,
  collaboration.queryLogStatus === 'ENABLED'
    ? panel('Query logging', h('label', { class: 'choice' }, logging,
      h('span', {}, 'Keep the query log', h('small', {}, 'Your membership sees every query run in the collaboration, and how far each has got.'))))
    : null,
  h('div', { class: 'form-actions' }, h('a', { class: 'button', href: base }, 'Cancel'), submit));

  return h('div', {}, head, form);
}
