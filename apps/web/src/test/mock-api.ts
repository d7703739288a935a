import { ErrorCode, PROBLEM_CONTENT_TYPE, type ProblemDetails } from '@zpanel/contracts';
import { expect, onTestFinished, vi } from 'vitest';

/** Answers one request; gets what the client sent, to assert on headers or body. */
type Route = (request: SentRequest) => Response | Promise<Response>;

export interface SentRequest {
  url: string;
  method: string;
  headers: Headers;
  /** The parsed JSON body, if any. */
  body: unknown;
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

export function problemResponse(
  problem: Partial<ProblemDetails> & Pick<ProblemDetails, 'status' | 'title'>,
  headers: Record<string, string> = {},
): Response {
  const body: ProblemDetails = { type: 'about:blank', code: ErrorCode.Internal, traceId: 'trace-1', ...problem };
  return new Response(JSON.stringify(body), {
    status: problem.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}

/** The API's 400 for a body that fails validation, each problem naming its field. */
export function validationProblem(...errors: NonNullable<ProblemDetails['errors']>): Response {
  return problemResponse({ status: 400, title: 'Validation failed', code: ErrorCode.ValidationFailed, errors });
}

/** The same 400 with the generic title the API's framework gives some validation failures. */
export function badRequest(...errors: NonNullable<ProblemDetails['errors']>): Response {
  return problemResponse({ status: 400, title: 'Bad Request', code: ErrorCode.ValidationFailed, errors });
}

const REFUSALS = { 403: ['Forbidden', ErrorCode.Forbidden], 409: ['Conflict', ErrorCode.Conflict] } as const;

/** The API's 403 or 409, with its standard title and code, saying why. */
export function refusal(status: keyof typeof REFUSALS, detail: string, errors?: ProblemDetails['errors']): Response {
  const [title, code] = REFUSALS[status];
  return problemResponse({ status, title, code, detail, ...(errors ? { errors } : {}) });
}

/**
 * Asked by the shell on every page (the notification bell's count): answered "none unread" unless
 * the spec routes it itself.
 */
export const SHELL_ROUTES: Record<string, Route> = {
  '/api/v1/notifications/unread-count': () => jsonResponse({ unread: 0 }),
};

/**
 * Replaces `fetch` with one answering by method and path with query (`'POST /api/v1/auth/login'`),
 * or by path alone for any method (`'/api/v1/system/status?probe=true'`).
 * The client turns a thrown error into a NetworkError, so unexpected requests are collected and
 * fail the test when it ends instead. SHELL_ROUTES are answered too, unless `routes` answers them.
 */
export function mockApi(routes: Record<string, Route>) {
  const unexpected: string[] = [];
  onTestFinished(() => expect(unexpected, 'requests without a mocked route').toEqual([]));
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const route = routes[`${method} ${url}`] ?? routes[url] ?? SHELL_ROUTES[url];
    if (route) {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      return route({ url, method, headers: new Headers(init?.headers), body });
    }
    unexpected.push(`${method} ${url}`);
    throw new TypeError('Failed to fetch');
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

export function requestedUrls(fetchMock: ReturnType<typeof mockApi>): string[] {
  return fetchMock.mock.calls.map(([input]) => String(input));
}

/** Every request of `fetchMock` to `url`, as sent. */
export function requestsTo(fetchMock: ReturnType<typeof mockApi>, url: string, method = 'GET'): SentRequest[] {
  return fetchMock.mock.calls
    .filter(([input, init]) => String(input) === url && (init?.method ?? 'GET') === method)
    .map(([input, init]) => ({
      url: String(input),
      method,
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    }));
}
