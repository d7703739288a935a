import { injectionPayloads } from '../shell/injection-payloads';
import { ErrorCode } from '@zpanel/contracts';
import { ContainerParamError, parseContainerId, parseFlag, parseLogSince, parseLogTail, parseStopTimeoutSeconds } from './container-params';

/** The shared hostile-input list (docs/security.md), plus what cannot be written in source as a plain string literal of the shared list. */
const PAYLOADS: string[] = [
  ...injectionPayloads('/tmp/zp-canary-unit'),
  'x'.repeat(10 * 1024 * 1024),
  'abc\u0000def',
  '\u0000',
  Buffer.from([0x61, 0xff, 0xfe, 0x62]).toString('latin1'),
  Buffer.from([0x61, 0xff, 0xfe, 0x62]).toString('utf8'),
  '-rf',
  '',
  ' ',
];

const validators: Array<[string, (value: unknown) => unknown]> = [
  ['containerId', (v) => parseContainerId(v)],
  ['tail', (v) => parseLogTail(v)],
  ['since', (v) => parseLogSince(v)],
  ['stopTimeoutSeconds', (v) => parseStopTimeoutSeconds(v)],
];

function refusal(run: () => unknown): ContainerParamError {
  try {
    run();
  } catch (error) {
    if (error instanceof ContainerParamError) return error;
    throw error;
  }
  throw new Error('expected a ContainerParamError, but the value was accepted');
}

describe('container params', () => {
  describe.each(validators)('%s', (field, validate) => {
    it.each(PAYLOADS.map((p, i) => [i, JSON.stringify(p.slice(0, 40)), p] as const))(
      'refuses injection payload #%i %s, naming the field',
      (_i, _label, payload) => {
        const error = refusal(() => validate(payload));
        expect(error.field).toBe(field);
        expect(error.code).toBe(ErrorCode.ValidationFailed);
        expect(error.status).toBe(400);
        expect(error.errors).toEqual([{ field, message: expect.any(String) }]);
        expect(error.message.startsWith(`${field}: `)).toBe(true);
      },
    );

    it.each([null, {}, [], true, Number.NaN, Number.POSITIVE_INFINITY, -1, 1.5])('refuses the non-string, non-integer value %p', (value) => {
      expect(refusal(() => validate(value)).field).toBe(field);
    });
  });

  it('names the field the caller passes', () => {
    expect(refusal(() => parseLogTail('x', 'query.tail')).field).toBe('query.tail');
  });

  describe(parseContainerId.name, () => {
    it.each(['web', 'zp-app_1.blue', 'a', 'A9', 'a'.repeat(128), 'abcdef012345', 'f'.repeat(64)])('accepts %s unchanged', (id) => {
      expect(parseContainerId(id)).toBe(id);
    });

    it.each(['-web', '.web', '_web', '/web', 'web/../x', 'a'.repeat(129), 'web app', 'wéb', 'web\n', 'web;'])('refuses %p', (id) => {
      expect(refusal(() => parseContainerId(id)).field).toBe('containerId');
    });
  });

  describe(parseLogTail.name, () => {
    it('defaults to 200', () => {
      expect(parseLogTail(undefined)).toBe(200);
    });

    it.each([
      [1, 1],
      ['1', 1],
      [10_000, 10_000],
      ['10000', 10_000],
      ['0200', 200],
    ])('accepts %p as %p', (value, expected) => {
      expect(parseLogTail(value)).toBe(expected);
    });

    it.each([0, '0', 10_001, '10001', '1e3', '+5', '-1', '0x10', ' 5', '5 ', 'all'])('refuses %p', (value) => {
      expect(refusal(() => parseLogTail(value)).field).toBe('tail');
    });
  });

  describe(parseStopTimeoutSeconds.name, () => {
    it('defaults to 10', () => {
      expect(parseStopTimeoutSeconds(undefined)).toBe(10);
    });

    it.each([
      [0, 0],
      ['0', 0],
      [600, 600],
      ['30', 30],
    ])('accepts %p as %p', (value, expected) => {
      expect(parseStopTimeoutSeconds(value)).toBe(expected);
    });

    it.each([601, '601', -1, 2.5, '2.5', '1e2'])('refuses %p', (value) => {
      expect(refusal(() => parseStopTimeoutSeconds(value)).field).toBe('stopTimeoutSeconds');
    });
  });

  describe(parseLogSince.name, () => {
    it('leaves an absent value absent', () => {
      expect(parseLogSince(undefined)).toBeUndefined();
    });

    it.each([
      ['2026-11-23T05:00:00Z', 1_795_410_000],
      ['2026-11-23T05:00:00.999Z', 1_795_410_000],
      ['2026-11-23T07:00:00+02:00', 1_795_410_000],
      ['2026-11-23T05:00Z', 1_795_410_000],
      ['1795410000', 1_795_410_000],
      [1_795_410_000, 1_795_410_000],
      [0, 0],
    ])('accepts %p as %p unix seconds', (value, expected) => {
      expect(parseLogSince(value)).toBe(expected);
    });

    it.each([
      '2026-11-23',
      '2026-11-23T05:00:00',
      '2026-11-23 05:00:00Z',
      '2026-02-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-23T24:00:00Z',
      '10m',
      '-1',
      '1.5',
      'now',
      'Mon, 23 Nov 2026 05:00:00 GMT',
      1.5,
      -5,
    ])('refuses %p', (value) => {
      expect(refusal(() => parseLogSince(value)).field).toBe('since');
    });
  });

  describe(parseFlag.name, () => {
    it('accepts booleans, the exact query words true/false, and falls back when absent', () => {
      expect(parseFlag(true, 'force')).toBe(true);
      expect(parseFlag(false, 'force', true)).toBe(false);
      expect(parseFlag('true', 'force')).toBe(true);
      expect(parseFlag('false', 'force', true)).toBe(false);
      expect(parseFlag(undefined, 'force', true)).toBe(true);
    });

    it.each(['TRUE', 'yes', '1', 1, 0, null, '; touch /tmp/x', 'true; touch /tmp/x'])('refuses %p', (value) => {
      expect(refusal(() => parseFlag(value, 'force')).field).toBe('force');
    });
  });
});
