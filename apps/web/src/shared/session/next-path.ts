const HOME = '/';
/** Pages it makes no sense to return to after signing in. */
const AUTH_PATHS = new Set(['/login', '/setup']);

/**
 * Where to go after signing in: the `next` parameter if it names a page of this app, else `/`.
 * Anything that could leave the origin (`//evil.example`, `/\evil.example`, `https://…`,
 * `javascript:…`) is refused, so a crafted login link cannot send a fresh session elsewhere.
 */
export function safeNextPath(next: string | null | undefined, origin: string = window.location.origin): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return HOME;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return HOME;
  }
  if (url.origin !== origin || AUTH_PATHS.has(url.pathname)) return HOME;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `/login`, with `next` unless the page to return to is the home page anyway. */
export function loginPath(next?: string): string {
  return next && next !== HOME ? `/login?next=${encodeURIComponent(next)}` : '/login';
}
