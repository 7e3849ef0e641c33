// A resource's tags (ListTagsForResource), added and removed by its owner (TagResource,
// UntagResource). The API decides who may: only the account in the ARN; anyone else, and a
// refused key, gets the API's own message here.
import * as api from './api.js';
import { banner, bdi, field, h } from './dom.js';

const path = (arn) => `/tags/${api.q(arn)}`;

// owner: whether the acting account is the one in the ARN; others are told who keeps the tags
// rather than shown the API's not-found answer, which says the same for every ARN.
export function tagEditor(ctx, arn, { owner = true, ownerText = 'the resource\'s owner', testid } = {}) {
  const box = h('div', { class: 'tags', 'data-testid': testid });
  if (!owner) {
    box.append(h('p', { class: 'muted' }, `Tags are kept by ${ownerText}; only that account reads and changes them.`));
    return box;
  }
  const list = h('div', { class: 'tag-list', 'data-testid': 'tag-list' });
  const message = h('div', {});
  const key = h('input', { type: 'text', name: 'tagKey', maxlength: 128, autocomplete: 'off' });
  const value = h('input', { type: 'text', name: 'tagValue', maxlength: 256, autocomplete: 'off' });
  const add = h('button', { type: 'submit' }, 'Add tag');

  const refused = (title, err) => message.replaceChildren(banner('bad', title, err.message));
  async function load() {
    const { tags = {} } = await api.cleanrooms.get(path(arn), ctx.aws);
    const keys = Object.keys(tags).sort();
    list.replaceChildren(...(keys.length ? keys.map((k) => h('span', { class: 'chip tag', 'data-testid': 'tag', 'data-key': k },
      bdi(k), h('span', { class: 'muted' }, ' = '), bdi(tags[k]),
      h('button', { type: 'button', class: 'link remove', 'aria-label': `Remove tag ${k}`, onclick: (e) => remove(e.currentTarget, k) }, '×')))
      : [h('span', { class: 'muted' }, 'No tags')]));
  }
  async function remove(button, k) {
    button.disabled = true;
    message.replaceChildren();
    try {
      await api.cleanrooms.del(`${path(arn)}?tagKeys=${api.q(k)}`, ctx.aws);
      await load();
    } catch (err) {
      button.disabled = false;
      refused('The tag was not removed', err);
    }
  }
  const form = h('form', {
    class: 'tag-form',
    onsubmit: async (e) => {
      e.preventDefault();
      add.disabled = true;
      message.replaceChildren();
      try {
        await api.cleanrooms.post(path(arn), { tags: { [key.value]: value.value } }, ctx.aws);
        key.value = '';
        value.value = '';
        await load();
      } catch (err) {
        refused('The tag was not added', err);
      } finally {
        add.disabled = false;
      }
    },
  }, field('Tag key', key), field('Tag value', value), add);
  box.append(list, message, form);
  load().catch((err) => refused('The tags could not be read', err));
  return box;
}
