import { type ErrorCode, PROBLEM_CONTENT_TYPE, type FieldError, type ProblemDetails, errorCodeForStatus } from '@zpanel/contracts';

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

  constructor(problem: ProblemDetails) {
    super(problem.detail ?? problem.title);
    this.type = problem.type;
    this.title = problem.title;
    this.status = problem.status;
    this.detail = problem.detail;
    this.code = problem.code;
    this.errors = problem.errors ?? [];
    this.traceId = problem.traceId;
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
}

/** The one way the SPA talks to the API: same origin, cookies included, JSON both ways. */
export async function apiRequest<T>(path: string, options: ApiRequestOptions = {}): Promise<T> {
  const { body, query, acceptStatuses = [], headers, ...init } = options;
  const requestHeaders = new Headers(headers);
  requestHeaders.set('Accept', `application/json, ${PROBLEM_CONTENT_TYPE}`);
  if (body !== undefined) requestHeaders.set('Content-Type', 'application/json');

  let response: Response;
  try {
    response = await fetch(withQuery(path, query), {
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

  const isProblem = mediaType(response) === PROBLEM_CONTENT_TYPE;
  if ((response.ok || acceptStatuses.includes(response.status)) && !isProblem) {
    return readJson<T>(response);
  }
  // A proxy in front of the API (Vite in development, Caddy in production) that cannot reach it
  // answers 502/504 itself: to the user that is the same outage as a failed fetch.
  if (!isProblem && GATEWAY_FAILURES.has(response.status)) {
    throw new NetworkError(new Error(`Gateway answered ${response.status} ${response.statusText}`.trim()));
  }
  throw new ApiError(await readProblem(response));
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
