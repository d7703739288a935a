import {
  ErrorCode,
  PROBLEM_CONTENT_TYPE,
  TEAM_HEADER,
  type FieldError,
  type ProblemDetails,
  type SessionResponse,
  errorCodeForStatus,
} from '@zpanel/contracts';
import { useSessionStore } from './session-store';

/** The API answered with a non-2xx status; carries its problem+json body. */
export class ApiError extends Error implements ProblemDetails {
  override readonly name = 'ApiError';
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly code: ErrorCode;
  readonly errors: FieldError[];
  readonly traceId: string;
  /** From a `Retry-After` header (429, 503): how long to wait before asking again. */
  readonly retryAfterSeconds?: number;

  constructor(problem: ProblemDetails, retryAfterSeconds?: number) {
    super(problem.detail ?? problem.title);
    this.type = problem.type;
    this.title = problem.title;
    this.status = problem.status;
    this.detail = problem.detail;
    this.code = problem.code;
    this.errors = problem.errors ?? [];
    this.traceId = problem.traceId;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The request never reached the API: fetch failed (down, DNS, offline) or a gateway could not reach it. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';

  constructor(cause: unknown) {
    super('Cannot reach the Zpanel API', { cause });
  }
}

const GATEWAY_FAILURES = new Set([502, 504]);

type QueryValue = string | number | boolean | undefined;

export interface ApiRequestOptions extends Omit<RequestInit, 'body'> {
  /** Serialized as JSON. */
  body?: unknown;
  query?: Record<string, QueryValue>;
  /**
   * Non-2xx statuses whose JSON body is data rather than a failure, e.g. 503 from `/api/ready`.
   * A problem+json body is still thrown as an `ApiError`.
   */
  acceptStatuses?: readonly number[];
  /**
   * For the public endpoints (setup, login, refresh, logout): no `Authorization` or team header,
   * and a 401 is the answer rather than a reason to refresh the session.
   */
  anonymous?: boolean;
}

/** The one way the SPA talks to the API: same origin, cookies included, JSON both ways. */
export async function apiRequest<T>(path: string, options: ApiRequestOptions = {}): Promise<T> {
  const { acceptStatuses = [] } = options;
  const response = await sendRenewing(path, options);

  const isProblem = mediaType(response) === PROBLEM_CONTENT_TYPE;
  if ((response.ok || acceptStatuses.includes(response.status)) && !isProblem) {
    return readJson<T>(response);
  }
  // A proxy in front of the API (Vite in development, Caddy in production) that cannot reach it
  // answers 502/504 itself: to the user that is the same outage as a failed fetch.
  if (!isProblem && GATEWAY_FAILURES.has(response.status)) {
    throw new NetworkError(new Error(`Gateway answered ${response.status} ${response.statusText}`.trim()));
  }
  throw new ApiError(await readProblem(response), retryAfter(response));
}

/**
 * A file from the API (a log download) as a blob, with the same session handling and errors as
 * `apiRequest`: a link cannot carry the bearer token, so the SPA fetches the file itself.
 */
export async function apiDownload(path: string, options: Omit<ApiRequestOptions, 'body' | 'acceptStatuses'> = {}): Promise<Blob> {
  const response = await sendRenewing(path, options);
  if (response.ok && mediaType(response) !== PROBLEM_CONTENT_TYPE) return response.blob();
  if (mediaType(response) !== PROBLEM_CONTENT_TYPE && GATEWAY_FAILURES.has(response.status)) {
    throw new NetworkError(new Error(`Gateway answered ${response.status} ${response.statusText}`.trim()));
  }
  throw new ApiError(await readProblem(response), retryAfter(response));
}

/** Sends once, and once more with a renewed token when the API refused the one sent. */
async function sendRenewing(path: string, options: ApiRequestOptions): Promise<Response> {
  const { anonymous = false } = options;
  const sentToken = anonymous ? undefined : useSessionStore.getState().accessToken;
  const response = await send(path, options, sentToken);
  if (!anonymous && (await isTokenRejection(response)) && (await renewAfterRejection(sentToken))) {
    return send(path, options, useSessionStore.getState().accessToken);
  }
  return response;
}

let refreshing: Promise<boolean> | undefined;

/**
 * Trades the refresh cookie for a new access token. Concurrent callers share one request: the
 * API rotates the cookie on every refresh and takes a second use of a spent one for theft,
 * ending the session. Other tabs share the cookie, so tabs take turns through a Web Lock.
 * Resolves `false`, with the session ended, when the API refuses; rejects when it cannot be asked.
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= withRefreshLock(exchangeRefreshCookie).finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

const REFRESH_LOCK = 'zpanel.refresh';

function withRefreshLock(refresh: () => Promise<boolean>): Promise<boolean> {
  // Web Locks exist in every browser the SPA supports, but not in jsdom or non-secure contexts.
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? locks.request(REFRESH_LOCK, refresh) : refresh();
}

async function exchangeRefreshCookie(): Promise<boolean> {
  const store = useSessionStore.getState();
  try {
    const session = await apiRequest<SessionResponse>('/api/v1/auth/refresh', { method: 'POST', anonymous: true });
    useSessionStore.getState().startSession(session);
    return true;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    // Only a session that existed can have expired; a first visit simply has none.
    useSessionStore.getState().endSession(store.status === 'signedIn' ? 'expired' : undefined);
    return false;
  }
}

/** Whether a protected request may be retried after `sentToken` was refused. */
async function renewAfterRejection(sentToken: string | undefined): Promise<boolean> {
  const current = useSessionStore.getState().accessToken;
  // Another request refreshed while this one was in flight: retry with its token.
  if (current && current !== sentToken) return true;
  return refreshSession();
}

const TOKEN_REJECTIONS: ReadonlySet<ErrorCode> = new Set([ErrorCode.Unauthorized, ErrorCode.SessionExpired]);

/** A 401 about the token itself, not e.g. a wrong current password (`invalid_credentials`). */
async function isTokenRejection(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  const { code } = await readProblem(response.clone());
  return TOKEN_REJECTIONS.has(code);
}

async function send(path: string, options: ApiRequestOptions, accessToken: string | undefined): Promise<Response> {
  const { body, query, acceptStatuses: _accept, anonymous, headers, ...init } = options;
  const requestHeaders = new Headers(headers);
  requestHeaders.set('Accept', `application/json, ${PROBLEM_CONTENT_TYPE}`);
  if (body !== undefined) requestHeaders.set('Content-Type', 'application/json');
  if (accessToken) requestHeaders.set('Authorization', `Bearer ${accessToken}`);
  const { teamId } = useSessionStore.getState();
  if (!anonymous && teamId) requestHeaders.set(TEAM_HEADER, teamId);

  try {
    return await fetch(withQuery(path, query), {
      ...init,
      headers: requestHeaders,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'include',
    });
  } catch (error) {
    // A cancelled query is not an outage: let react-query see the abort as such.
    if (isAbort(error)) throw error;
    throw new NetworkError(error);
  }
}

/** Field errors of a validation failure, keyed by field path, for forms. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const byField: Record<string, string> = {};
  for (const { field, message } of error.errors) {
    // A form shows one message per field; the first is the most specific one the API sends.
    byField[field] ??= message;
  }
  return byField;
}

// Duck-typed: the DOMException of an abort may come from another realm (Node's fetch under jsdom).
function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === 'AbortError';
}

function withQuery(path: string, query: Record<string, QueryValue> | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** `Retry-After` as seconds; the header may also be an HTTP date. */
function retryAfter(response: Response): number | undefined {
  const value = response.headers.get('Retry-After')?.trim();
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value) ? Number(value) : Math.ceil((Date.parse(value) - Date.now()) / 1000);
  return Number.isFinite(seconds) ? Math.max(0, seconds) : undefined;
}

function mediaType(response: Response): string {
  return (response.headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
}

async function readJson<T>(response: Response): Promise<T> {
  const text = await response.text();
  // 204 and other empty bodies carry no data; callers type those requests as `void`.
  return (text ? JSON.parse(text) : undefined) as T;
}

async function readProblem(response: Response): Promise<ProblemDetails> {
  // Proxies and crashed upstreams answer without problem+json; give the UI the same shape anyway.
  const fallback: ProblemDetails = {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    code: errorCodeForStatus(response.status),
    traceId: response.headers.get('x-request-id') ?? '',
  };
  if (mediaType(response) !== PROBLEM_CONTENT_TYPE) return fallback;
  try {
    const body: unknown = await response.json();
    return isProblemDetails(body) ? { ...fallback, ...body } : fallback;
  } catch {
    return fallback;
  }
}

function isProblemDetails(body: unknown): body is Partial<ProblemDetails> & Pick<ProblemDetails, 'title'> {
  return typeof body === 'object' && body !== null && typeof (body as { title?: unknown }).title === 'string';
}
