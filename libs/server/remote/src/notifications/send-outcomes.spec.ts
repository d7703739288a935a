import { classifyAnswer, errorDetail, networkFailure, parseRetryAfter, refusedAddress, sanitizeDetail } from './send-outcomes';

const NOW = Date.parse('2026-12-07T19:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Mon, 07 Dec 2026 19:00:30 GMT', 30_000],
    ['Monday, 07-Dec-26 19:01:00 GMT', 60_000],
    ['Mon Dec  7 19:00:10 2026', 10_000],
    ['Mon, 07 Dec 2026 18:00:00 GMT', 0],
    ['99999999', 24 * 3_600_000],
  ])('reads %j as %d ms', (header, ms) => {
    expect(parseRetryAfter(header, NOW)).toBe(ms);
  });

  it.each([undefined, '', '-5', '1.5', 'soon', '2030-01-01', 'Mon, 99 Foo 2026'])('is null for %j', (header) => {
    expect(parseRetryAfter(header, NOW)).toBeNull();
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['5', '10'], NOW)).toBe(5_000);
  });
});

describe('classifyAnswer', () => {
  const answer = (status: number, headers: Record<string, string> = {}, body = '') =>
    classifyAnswer({ status, headers, body }, 'Slack', ['SECRET-PATH'], NOW);

  it('is ok for any 2xx', () => {
    expect(answer(200)).toEqual({ ok: true, status: 200 });
    expect(answer(204)).toEqual({ ok: true, status: 204 });
  });

  it('retries 5xx, 408 and 429, with the Retry-After of a 429 or 503', () => {
    expect(answer(500)).toEqual({ ok: false, retryable: true, status: 500, retryAfterMs: null, error: 'Slack answered 500 Internal Server Error' });
    expect(answer(429, { 'retry-after': '7' })).toMatchObject({ retryable: true, retryAfterMs: 7_000 });
    expect(answer(503, { 'retry-after': 'Mon, 07 Dec 2026 19:00:02 GMT' })).toMatchObject({ retryable: true, retryAfterMs: 2_000 });
    expect(answer(502, { 'retry-after': '7' })).toMatchObject({ retryable: true, retryAfterMs: null });
    expect(answer(408)).toMatchObject({ retryable: true });
  });

  it('takes Telegram’s retry_after from the body of a 429 without the header', () => {
    const body = JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
    expect(answer(429, { 'content-type': 'application/json' }, body)).toEqual({
      ok: false,
      retryable: true,
      status: 429,
      retryAfterMs: 3_000,
      error: 'Slack answered 429 Too Many Requests: Too Many Requests: retry after 3',
    });
  });

  it('does not retry another 4xx and quotes what the receiver said', () => {
    expect(answer(400, { 'content-type': 'text/plain' }, 'invalid_payload')).toEqual({
      ok: false,
      retryable: false,
      status: 400,
      retryAfterMs: null,
      error: 'Slack answered 400 Bad Request: invalid_payload',
    });
    expect(answer(404, {}, '{"message": "Unknown Webhook", "code": 10015}')).toMatchObject({
      error: 'Slack answered 404 Not Found: Unknown Webhook',
    });
  });

  it('does not follow or retry a redirect', () => {
    expect(answer(302, { location: 'http://169.254.169.254/' })).toEqual({
      ok: false,
      retryable: false,
      status: 302,
      retryAfterMs: null,
      error: 'Slack answered 302 Found, a redirect; redirects are not followed',
    });
  });

  it('never quotes a secret the receiver echoes back', () => {
    const outcome = answer(404, { 'content-type': 'text/plain' }, 'Cannot POST /services/SECRET-PATH');
    expect(outcome).toMatchObject({ error: 'Slack answered 404 Not Found: Cannot POST /services/[redacted]' });
  });
});

describe('errorDetail and sanitizeDetail', () => {
  it('leaves out HTML pages and keeps JSON messages', () => {
    expect(errorDetail('<!DOCTYPE html><html>…</html>', 'text/html')).toBe('');
    expect(errorDetail('{"ok":false,"description":"Bad Request: chat not found"}', 'application/json')).toBe('Bad Request: chat not found');
    expect(errorDetail('{"code":40301,"http":403,"error":"forbidden"}', 'application/json')).toBe('forbidden');
  });

  it('puts the text on one line, shortened, with every secret replaced', () => {
    expect(sanitizeDetail('a\r\nb\u0000c token123456 and https://x/token123456', ['token123456', 'https://x/token123456'])).toBe(
      'a b c [redacted] and [redacted]',
    );
    expect(sanitizeDetail('y'.repeat(1_000), [])).toHaveLength(200);
  });
});

describe('networkFailure and refusedAddress', () => {
  it('retries a network error and names it by its code only', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443 /services/SECRET'), { code: 'ECONNREFUSED' });
    expect(networkFailure(error, 'Slack')).toEqual({
      ok: false,
      retryable: true,
      status: null,
      retryAfterMs: null,
      error: 'could not reach Slack: the connection was refused',
    });
  });

  it('does not retry a certificate that does not verify', () => {
    expect(networkFailure(Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'Discord')).toMatchObject({
      retryable: false,
      error: 'could not reach Discord: its TLS certificate did not verify (DEPTH_ZERO_SELF_SIGNED_CERT)',
    });
  });

  it('does not retry a refused address', () => {
    expect(refusedAddress('the webhook URL')).toEqual({
      ok: false,
      retryable: false,
      status: null,
      retryAfterMs: null,
      error: 'the webhook URL points to an address this instance does not connect to',
    });
  });
});
