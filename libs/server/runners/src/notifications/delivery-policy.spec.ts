import { NOTIFICATION_LIMITS } from '@zpanel/contracts';
import { MAX_RETRY_DELAY_MS, absoluteUrl, groupingDecision, nextDeliveryStep, retryDelayMs, scrubSecrets } from './delivery-policy';
import { deliveryAttemptOf } from './notification-deliver.handler';

const failure = (overrides: { retryable?: boolean; status?: number | null; retryAfterMs?: number | null } = {}) => ({
  ok: false as const,
  retryable: overrides.retryable ?? true,
  status: overrides.status === undefined ? 503 : overrides.status,
  retryAfterMs: overrides.retryAfterMs ?? null,
  error: 'the receiver answered 503',
});

describe('retryDelayMs', () => {
  it('doubles the base at each attempt', () => {
    expect([1, 2, 3, 4, 5].map((attempts) => retryDelayMs(attempts, 5_000))).toEqual([5_000, 10_000, 20_000, 40_000, 80_000]);
  });

  it('waits for a Retry-After longer than the backoff, and keeps the backoff when Retry-After is shorter', () => {
    expect(retryDelayMs(1, 1_000, 30_000)).toBe(30_000);
    expect(retryDelayMs(3, 1_000, 2_000)).toBe(4_000);
    expect(retryDelayMs(2, 1_000, 0)).toBe(2_000);
  });

  it('never waits more than an hour', () => {
    expect(retryDelayMs(20, 600_000)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(1, 10, 24 * MAX_RETRY_DELAY_MS)).toBe(MAX_RETRY_DELAY_MS);
  });
});

describe('nextDeliveryStep', () => {
  it('ends a delivery that succeeded', () => {
    expect(nextDeliveryStep({ ok: true, status: 204 }, 3, 1_000)).toEqual({ status: 'succeeded' });
  });

  it('retries a retryable failure after the backoff while attempts remain, then fails it', () => {
    const steps = Array.from({ length: NOTIFICATION_LIMITS.maxAttempts }, (_, i) => nextDeliveryStep(failure(), i + 1, 100));
    expect(steps).toEqual([
      { status: 'retrying', delayMs: 100 },
      { status: 'retrying', delayMs: 200 },
      { status: 'retrying', delayMs: 400 },
      { status: 'retrying', delayMs: 800 },
      { status: 'retrying', delayMs: 1_600 },
      { status: 'failed' },
    ]);
  });

  it('honours a 429 Retry-After', () => {
    expect(nextDeliveryStep(failure({ status: 429, retryAfterMs: 7_000 }), 1, 100)).toEqual({ status: 'retrying', delayMs: 7_000 });
  });

  it('fails at once what is not retryable (a 4xx, a refused address)', () => {
    expect(nextDeliveryStep(failure({ retryable: false, status: 400 }), 1, 100)).toEqual({ status: 'failed' });
    expect(nextDeliveryStep(failure({ retryable: false, status: null }), 1, 100)).toEqual({ status: 'failed' });
  });

  it('takes the number of attempts it is given', () => {
    expect(nextDeliveryStep(failure(), 2, 100, 2)).toEqual({ status: 'failed' });
    expect(nextDeliveryStep(failure(), 1, 100, 2)).toEqual({ status: 'retrying', delayMs: 100 });
  });
});

describe('groupingDecision', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 11, 7, 12, minutes));
  const window = 15 * 60_000;

  it('sends an event without a group key, or with nothing sent before', () => {
    expect(groupingDecision(null, at(10), at(9), window)).toBe('send');
    expect(groupingDecision('rule:1', at(10), null, window)).toBe('send');
    expect(groupingDecision('rule:1', at(10), undefined, window)).toBe('send');
  });

  it('groups an event whose key was sent within the window, and sends it once the window has passed', () => {
    expect(groupingDecision('rule:1', at(10), at(0), window)).toBe('group');
    expect(groupingDecision('rule:1', at(14), at(0), window)).toBe('group');
    expect(groupingDecision('rule:1', at(15), at(0), window)).toBe('send');
    expect(groupingDecision('rule:1', at(40), at(0), window)).toBe('send');
  });

  it('sends when grouping is off (a window of 0) or the last one sent occurred later (out of order)', () => {
    expect(groupingDecision('rule:1', at(10), at(9), 0)).toBe('send');
    expect(groupingDecision('rule:1', at(10), at(11), window)).toBe('send');
  });
});

describe('absoluteUrl', () => {
  it('prefixes a path with the public URL when set', () => {
    expect(absoluteUrl('/applications/a/deployments/b', 'https://zpanel.example.com')).toBe(
      'https://zpanel.example.com/applications/a/deployments/b',
    );
    expect(absoluteUrl('/x', 'https://zpanel.example.com/')).toBe('https://zpanel.example.com/x');
    expect(absoluteUrl('/x', null)).toBe('/x');
    expect(absoluteUrl(null, 'https://zpanel.example.com')).toBeNull();
  });
});

describe('deliveryAttemptOf', () => {
  const id = '4b0c51a5-8a3e-4a4e-9d55-0b0f7c1e2d3f';

  it('reads the attempt from the job id', () => {
    expect(deliveryAttemptOf(`deliver-${id}-1`, id)).toBe(1);
    expect(deliveryAttemptOf(`deliver-${id}-6`, id)).toBe(6);
  });

  it('gives nothing for another job id', () => {
    expect(deliveryAttemptOf('42', id)).toBeUndefined();
    expect(deliveryAttemptOf(`deliver-${id}-0`, id)).toBeUndefined();
    expect(deliveryAttemptOf(`deliver-${id}-x`, id)).toBeUndefined();
    expect(deliveryAttemptOf(`deliver-other-1`, id)).toBeUndefined();
  });
});

describe('scrubSecrets', () => {
  const url = 'https://hooks.slack.com/services/T0001/B0002/XXXXsecrettokenXXXX';

  it('takes a whole secret and its long pieces out of error text', () => {
    expect(scrubSecrets(`posted to ${url}: 404`, [url])).toBe('posted to [secret]: 404');
    expect(scrubSecrets('invalid_token XXXXsecrettokenXXXX', [url])).toBe('invalid_token [secret]');
    expect(scrubSecrets('bot ABCdefGHIjklMNOpqr refused', ['123456:ABCdefGHIjklMNOpqr'])).toBe('bot [secret] refused');
  });

  it('leaves short pieces and text without secrets alone, and ignores unset secrets', () => {
    expect(scrubSecrets('Slack answered 404 Not Found at hooks.slack.com', [url, undefined, null, ''])).toBe(
      'Slack answered 404 Not Found at hooks.slack.com',
    );
    expect(scrubSecrets('the services are down', [url])).toBe('the services are down');
  });
});
