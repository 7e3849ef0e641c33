// Calls to the console's JSON API (/console/api). State-changing calls carry the session's CSRF
// token; the account a call acts in goes in X-Amc-Account (AMC) or X-Aws-Account (Clean Rooms).
// Errors keep the server's message, which is the API's own.

let csrfToken = '';
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export function setCsrfToken(token) { csrfToken = token || ''; }
export function setSignedOutHandler(fn) { onSignedOut = fn; }

export async function call(method, path, { body, amc, aws, raw } = {}) {
  const headers = {};
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (amc) headers['X-Amc-Account'] = amc;
  if (aws) headers['X-Aws-Account'] = aws;
  const res = await fetch(`/console/api${path}`, {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (raw && res.ok) return res;
  const text = res.status === 204 ? '' : await res.text();
  let data = {};
  try { data = text ? JSON.parse(text) : {}; } catch { data = { message: text }; }
  if (!res.ok) {
    if (res.status === 401 && path !== '/session') onSignedOut();
    throw new ApiError(res.status, data.message || `${res.status} ${res.statusText}`, data);
  }
  return data;
}

export const get = (path, opts) => call('GET', path, opts);
export const post = (path, body, opts) => call('POST', path, { ...opts, body: body ?? {} });
export const del = (path, opts) => call('DELETE', path, opts);

// Clean Rooms paths are the service's own (GET /collaborations, POST /memberships, ...).
export const cleanrooms = {
  get: (path, aws) => get(`/cleanrooms${path}`, { aws }),
  post: (path, body, aws) => post(`/cleanrooms${path}`, body, { aws }),
  patch: (path, body, aws) => call('PATCH', `/cleanrooms${path}`, { body, aws }),
  del: (path, aws) => del(`/cleanrooms${path}`, { aws }),
};

// Every page of a paged list.
export async function all(fetchPage, key) {
  const out = [];
  let token = '';
  do {
    const page = await fetchPage(token);
    out.push(...(page[key] || []));
    token = page.nextToken || '';
  } while (token);
  return out;
}

export const q = encodeURIComponent;
