import { ErrorCode, PROBLEM_CONTENT_TYPE, type ProblemDetails } from '@zpanel/contracts';
import { expect, onTestFinished, vi } from 'vitest';

type Route = () => Response | Promise<Response>;

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export function problemResponse(problem: Partial<ProblemDetails> & Pick<ProblemDetails, 'status' | 'title'>): Response {
  const body: ProblemDetails = { type: 'about:blank', code: ErrorCode.Internal, traceId: 'trace-1', ...problem };
  return new Response(JSON.stringify(body), { status: problem.status, headers: { 'Content-Type': PROBLEM_CONTENT_TYPE } });
}

/**
 * Replaces `fetch` with one answering by path and query (e.g. `/api/v1/system/status?probe=true`).
 * The client turns a thrown error into a NetworkError, so unexpected requests are collected and
 * fail the test when it ends instead.
 */
export function mockApi(routes: Record<string, Route>) {
  const unexpected: string[] = [];
  onTestFinished(() => expect(unexpected, 'requests without a mocked route').toEqual([]));
  const fetchMock = vi.fn(async (input: RequestInfo | URL): Promise<Response> => {
    const url = String(input);
    const route = routes[url];
    if (route) return route();
    unexpected.push(url);
    throw new TypeError('Failed to fetch');
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

export function requestedUrls(fetchMock: ReturnType<typeof mockApi>): string[] {
  return fetchMock.mock.calls.map(([input]) => String(input));
}
