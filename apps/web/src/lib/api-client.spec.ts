import { ErrorCode } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { jsonResponse, problemResponse } from '../test/mock-api';
import { ApiError, apiRequest, fieldErrors, NetworkError } from './api-client';

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
