// Sign-in with the email and password set by `cleanroom admin user create --password`.
import * as api from '../api.js';
import { banner, field, h } from '../dom.js';

export function signinPage({ onSignedIn, error }) {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const message = h('div', {});
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  if (error) message.append(banner('bad', 'The console cannot reach the server', error.message));

  const form = h('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      message.replaceChildren();
      button.disabled = true;
      try {
        const session = await api.post('/session', { email: email.value.trim(), password: password.value });
        onSignedIn(session);
      } catch (err) {
        password.value = '';
        message.append(banner('bad', 'Sign-in failed', err.message));
        button.disabled = false;
      }
    },
  }, message, field('Email', email), field('Password', password), button);

  return h('div', { class: 'signin-page' },
    h('div', { class: 'signin-card' },
      h('div', { class: 'brand' }, h('img', { src: '/console/static/favicon.svg', alt: '' }), 'cleanroom'),
      h('h1', {}, 'Sign in'),
      h('p', {}, 'Marketing Cloud instances and Clean Rooms collaborations, in one console.'),
      form));
}
