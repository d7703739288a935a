import { ErrorCode, TEAM_HEADER } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aSession } from '../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo, type SentRequest } from '../test/mock-api';
import { ApiError, apiRequest, fieldErrors, NetworkError, refreshSession } from './api-client';
import { useSessionStore } from './session-store';

function stubFetch(answer: () => Promise<Response>) {
  const fetchMock = vi.fn((_input: RequestInfo | URL, _init?: RequestInit) => answer());
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the request to fail'),
    (error: unknown) => error,
  );
}

describe(apiRequest.name, () => {
  it('returns the parsed body of a 2xx JSON response, sending cookies', async () => {
    const fetchMock = stubFetch(async () => jsonResponse({ status: 'ok', uptimeSeconds: 12 }));

    await expect(apiRequest('/api/health')).resolves.toEqual({ status: 'ok', uptimeSeconds: 12 });

    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/health');
    expect(init?.credentials).toBe('include');
    expect(new Headers(init?.headers).get('Accept')).toContain('application/problem+json');
  });

  it('sends the body as JSON and appends only the defined query parameters', async () => {
    const fetchMock = stubFetch(async () => jsonResponse({ id: 'a1' }, 201));

    await apiRequest('/api/v1/things', {
      method: 'POST',
      body: { name: 'web' },
      query: { probe: true, page: 2, skipped: undefined },
    });

    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/v1/things?probe=true&page=2');
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe('{"name":"web"}');
    expect(new Headers(init?.headers).get('Content-Type')).toBe('application/json');
  });

  it('resolves to undefined on 204 No Content', async () => {
    stubFetch(async () => new Response(null, { status: 204 }));

    await expect(apiRequest<void>('/api/v1/things/a1', { method: 'DELETE' })).resolves.toBeUndefined();
  });

  it('returns the body of an accepted non-2xx status as data', async () => {
    stubFetch(async () => jsonResponse({ status: 'unavailable', failing: ['redis'] }, 503));

    await expect(apiRequest('/api/ready', { acceptStatuses: [503] })).resolves.toEqual({
      status: 'unavailable',
      failing: ['redis'],
    });
  });

  it('throws an ApiError for a problem+json body even on an accepted status', async () => {
    stubFetch(async () => problemResponse({ status: 503, title: 'Service Unavailable' }));

    const error = await rejection(apiRequest('/api/ready', { acceptStatuses: [503] }));

    expect(error).toBeInstanceOf(ApiError);
  });

  it('throws a NetworkError when fetch itself fails', async () => {
    const cause = new TypeError('Failed to fetch');
    stubFetch(() => Promise.reject(cause));

    const error = await rejection(apiRequest('/api/ready'));

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toBe('Cannot reach the Zpanel API');
    expect((error as NetworkError).cause).toBe(cause);
  });

  it('throws a NetworkError when a gateway in front of the API cannot reach it', async () => {
    stubFetch(async () => new Response('', { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'text/plain' } }));

    const error = await rejection(apiRequest('/api/ready'));

    expect(error).toBeInstanceOf(NetworkError);
  });

  it('lets an aborted request reject as an abort, not as an outage', async () => {
    const abort = new DOMException('The operation was aborted.', 'AbortError');
    stubFetch(() => Promise.reject(abort));

    await expect(apiRequest('/api/ready')).rejects.toBe(abort);
  });
});

describe(ApiError.name, () => {
  it('carries status, code, title, detail, errors and traceId of a problem+json body', async () => {
    stubFetch(async () =>
      problemResponse({
        status: 422,
        title: 'Validation failed',
        detail: 'Two fields are invalid.',
        code: ErrorCode.ValidationFailed,
        errors: [{ field: 'name', message: 'must not be empty' }],
        traceId: 'req-42',
      }),
    );

    const error = await rejection(apiRequest('/api/v1/things', { method: 'POST', body: {} }));

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422,
      code: ErrorCode.ValidationFailed,
      title: 'Validation failed',
      detail: 'Two fields are invalid.',
      errors: [{ field: 'name', message: 'must not be empty' }],
      traceId: 'req-42',
      message: 'Two fields are invalid.',
    });
  });

  it('falls back to the status text and x-request-id when the body is not problem+json', async () => {
    stubFetch(
      async () =>
        new Response('<h1>Oops</h1>', {
          status: 500,
          statusText: 'Internal Server Error',
          headers: { 'Content-Type': 'text/html', 'x-request-id': 'req-7' },
        }),
    );

    const error = await rejection(apiRequest('/api/v1/system/status'));

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 500,
      title: 'Internal Server Error',
      code: ErrorCode.Internal,
      traceId: 'req-7',
      errors: [],
    });
  });
});

describe(fieldErrors.name, () => {
  it('parses a problem+json body into field errors, keeping the first message per field', async () => {
    stubFetch(async () =>
      problemResponse({
        status: 422,
        title: 'Validation failed',
        code: ErrorCode.ValidationFailed,
        errors: [
          { field: 'domains.0', message: 'must be a hostname' },
          { field: 'name', message: 'must not be empty' },
          { field: 'name', message: 'must be at most 63 characters' },
        ],
      }),
    );

    const error = await rejection(apiRequest('/api/v1/things', { method: 'POST', body: {} }));

    expect(fieldErrors(error)).toEqual({ 'domains.0': 'must be a hostname', name: 'must not be empty' });
  });

  it('returns no field errors for failures that are not API problems', () => {
    expect(fieldErrors(new NetworkError(new TypeError('Failed to fetch')))).toEqual({});
  });
});

describe('apiRequest with a session', () => {
  const STATUS = '/api/v1/system/status';
  const REFRESH = 'POST /api/v1/auth/refresh';
  const expired = () => problemResponse({ status: 401, title: 'Unauthorized', code: ErrorCode.Unauthorized });

  function signIn(accessToken = 'old-token', teamId?: string) {
    useSessionStore.setState({ status: 'signedIn', accessToken, accessTokenExpiresAt: Date.now() + 60_000, teamId });
  }

  /** Answers 401 to the old token and 200 to the new one, as the API does after a refresh. */
  const statusByToken = ({ headers }: SentRequest) => (headers.get('Authorization') === 'Bearer new-token' ? jsonResponse({ ok: true }) : expired());

  it('sends the access token and the current team with protected requests', async () => {
    signIn('old-token', 'team-9');
    const fetchMock = mockApi({ [STATUS]: () => jsonResponse({ ok: true }) });

    await apiRequest(STATUS);

    const [sent] = requestsTo(fetchMock, STATUS);
    expect(sent.headers.get('Authorization')).toBe('Bearer old-token');
    expect(sent.headers.get(TEAM_HEADER)).toBe('team-9');
  });

  it('sends neither token nor team with anonymous requests, and does not refresh on their 401', async () => {
    signIn('old-token', 'team-9');
    const fetchMock = mockApi({
      'POST /api/v1/auth/login': () => problemResponse({ status: 401, title: 'Unauthorized', code: ErrorCode.InvalidCredentials }),
    });

    const error = await rejection(apiRequest('/api/v1/auth/login', { method: 'POST', body: {}, anonymous: true }));

    expect(error).toMatchObject({ status: 401, code: ErrorCode.InvalidCredentials });
    const [sent] = requestsTo(fetchMock, '/api/v1/auth/login', 'POST');
    expect(sent.headers.has('Authorization')).toBe(false);
    expect(sent.headers.has(TEAM_HEADER)).toBe(false);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('refreshes the session once on a 401 and retries with the new token', async () => {
    signIn();
    const fetchMock = mockApi({
      [STATUS]: statusByToken,
      [REFRESH]: () => jsonResponse(aSession({ accessToken: 'new-token' })),
    });

    await expect(apiRequest(STATUS)).resolves.toEqual({ ok: true });

    expect(requestsTo(fetchMock, STATUS).map(({ headers }) => headers.get('Authorization'))).toEqual(['Bearer old-token', 'Bearer new-token']);
    const [refresh] = requestsTo(fetchMock, '/api/v1/auth/refresh', 'POST');
    expect(refresh.headers.has('Authorization')).toBe(false);
    expect(fetchMock.mock.calls.find(([url]) => url === '/api/v1/auth/refresh')?.[1]?.credentials).toBe('include');
    expect(useSessionStore.getState()).toMatchObject({ status: 'signedIn', accessToken: 'new-token' });
  });

  it('shares one refresh between concurrent 401s', async () => {
    signIn();
    let answerRefresh: () => void = () => undefined;
    const fetchMock = mockApi({
      [STATUS]: statusByToken,
      '/api/health': statusByToken,
      [REFRESH]: () =>
        new Promise<Response>((resolve) => {
          answerRefresh = () => resolve(jsonResponse(aSession({ accessToken: 'new-token' })));
        }),
    });

    const both = Promise.all([apiRequest(STATUS), apiRequest('/api/health')]);
    await vi.waitFor(() => expect(requestsTo(fetchMock, '/api/v1/auth/refresh', 'POST')).toHaveLength(1));
    // Let the second 401 arrive while the refresh is still open.
    await vi.waitFor(() => expect(requestsTo(fetchMock, '/api/health')).toHaveLength(1));
    answerRefresh();

    await expect(both).resolves.toEqual([{ ok: true }, { ok: true }]);
    expect(requestsTo(fetchMock, '/api/v1/auth/refresh', 'POST')).toHaveLength(1);
    expect(requestsTo(fetchMock, '/api/health').map(({ headers }) => headers.get('Authorization'))).toEqual(['Bearer old-token', 'Bearer new-token']);
  });

  it('retries with the newer token, without refreshing again, when another request renewed it meanwhile', async () => {
    signIn();
    const fetchMock = mockApi({
      [STATUS]: (request) => {
        if (request.headers.get('Authorization') === 'Bearer new-token') return jsonResponse({ ok: true });
        // Another request's refresh completed while this one was on its way.
        useSessionStore.setState({ accessToken: 'new-token' });
        return expired();
      },
    });

    await expect(apiRequest(STATUS)).resolves.toEqual({ ok: true });

    // No refresh route is mocked: a refresh request would fail the test.
    expect(requestsTo(fetchMock, STATUS).map(({ headers }) => headers.get('Authorization'))).toEqual(['Bearer old-token', 'Bearer new-token']);
  });

  it('gives up when the refresh is refused: ends the session as expired and throws the 401', async () => {
    signIn();
    const fetchMock = mockApi({
      [STATUS]: expired,
      [REFRESH]: () => problemResponse({ status: 401, title: 'Unauthorized', code: ErrorCode.SessionExpired }),
    });

    const error = await rejection(apiRequest(STATUS));

    expect(error).toMatchObject({ status: 401, code: ErrorCode.Unauthorized });
    expect(requestsTo(fetchMock, STATUS)).toHaveLength(1);
    expect(useSessionStore.getState()).toMatchObject({ status: 'signedOut', signOutReason: 'expired' });
    expect(useSessionStore.getState().accessToken).toBeUndefined();
  });

  it('keeps the session when the refresh cannot reach the API', async () => {
    signIn();
    mockApi({ [STATUS]: expired, [REFRESH]: () => Promise.reject(new TypeError('Failed to fetch')) });

    const error = await rejection(apiRequest(STATUS));

    expect(error).toBeInstanceOf(NetworkError);
    expect(useSessionStore.getState()).toMatchObject({ status: 'signedIn', accessToken: 'old-token' });
  });

  it('does not take a wrong current password (401 invalid_credentials) for an expired token', async () => {
    signIn();
    const fetchMock = mockApi({
      'POST /api/v1/me/password': () => problemResponse({ status: 401, title: 'Unauthorized', code: ErrorCode.InvalidCredentials }),
    });

    const error = await rejection(apiRequest('/api/v1/me/password', { method: 'POST', body: {} }));

    expect(error).toMatchObject({ code: ErrorCode.InvalidCredentials });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(useSessionStore.getState().status).toBe('signedIn');
  });
});

describe(refreshSession.name, () => {
  it('starts a session from the refresh cookie, with the expiry the API gave', async () => {
    const expiresAt = '2030-01-01T00:15:00.000Z';
    mockApi({ 'POST /api/v1/auth/refresh': () => jsonResponse(aSession({ accessToken: 'new-token', accessTokenExpiresAt: expiresAt })) });

    await expect(refreshSession()).resolves.toBe(true);

    expect(useSessionStore.getState()).toMatchObject({
      status: 'signedIn',
      accessToken: 'new-token',
      accessTokenExpiresAt: Date.parse(expiresAt),
    });
  });

  it('waits for the refresh lock, which other tabs of the browser share, before using the cookie', async () => {
    let release: () => void = () => undefined;
    const otherTabDone = new Promise<void>((resolve) => {
      release = resolve;
    });
    const requested: string[] = [];
    vi.stubGlobal('navigator', {
      locks: {
        request: async (name: string, callback: () => Promise<unknown>) => {
          requested.push(name);
          await otherTabDone;
          return callback();
        },
      },
    });
    const fetchMock = mockApi({ 'POST /api/v1/auth/refresh': () => jsonResponse(aSession({ accessToken: 'new-token' })) });

    const refreshed = refreshSession();
    await Promise.resolve();
    expect(requested).toEqual(['zpanel.refresh']);
    expect(fetchMock).not.toHaveBeenCalled();
    release();

    await expect(refreshed).resolves.toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('ends a first visit without a session, not as an expired one', async () => {
    mockApi({
      'POST /api/v1/auth/refresh': () => problemResponse({ status: 401, title: 'Unauthorized', code: ErrorCode.SessionExpired }),
    });

    await expect(refreshSession()).resolves.toBe(false);

    expect(useSessionStore.getState()).toMatchObject({ status: 'signedOut', signOutReason: undefined });
  });
});

describe('ApiError.retryAfterSeconds', () => {
  it('reads the Retry-After header of a 429 in seconds', async () => {
    stubFetch(async () => problemResponse({ status: 429, title: 'Too Many Requests', code: ErrorCode.RateLimited }, { 'Retry-After': '42' }));

    const error = await rejection(apiRequest('/api/v1/auth/login', { method: 'POST', anonymous: true }));

    expect(error).toMatchObject({ code: ErrorCode.RateLimited, retryAfterSeconds: 42 });
  });

  it('turns an HTTP-date Retry-After into seconds from now', async () => {
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    stubFetch(async () => problemResponse({ status: 429, title: 'Too Many Requests' }, { 'Retry-After': inTwoMinutes }));

    const error = (await rejection(apiRequest('/api/v1/auth/login', { method: 'POST', anonymous: true }))) as ApiError;

    expect(error.retryAfterSeconds).toBeGreaterThan(110);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(120);
  });
});
