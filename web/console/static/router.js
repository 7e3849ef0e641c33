// Path-based routing inside /console: links navigate without reloading, and every page has an
// address that can be bookmarked or shared (the server answers index.html for all of them).

const routes = [];
let renderPage = () => {};

export function route(pattern, handler) {
  const keys = [];
  const re = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, k) => { keys.push(k); return '([^/]+)'; })}/?$`);
  routes.push({ re, keys, handler });
}

export function match(pathname) {
  for (const r of routes) {
    const m = r.re.exec(pathname);
    if (!m) continue;
    const params = {};
    r.keys.forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]); });
    return { handler: r.handler, params };
  }
  return null;
}

export function onNavigate(fn) { renderPage = fn; }

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, '', path);
  else history.pushState({}, '', path);
  renderPage();
}

export function start() {
  window.addEventListener('popstate', () => renderPage());
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a[href]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (a.hasAttribute('download') || a.target === '_blank' || a.origin !== location.origin) return;
    if (!a.pathname.startsWith('/console/') || a.pathname.startsWith('/console/api/')) return;
    e.preventDefault();
    navigate(a.pathname + a.search);
  });
  renderPage();
}
