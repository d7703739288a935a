import { STATUS_CODES } from 'node:http';
import type { SendOutcome } from './channel-sender';

/** A Retry-After longer than this is taken as this (a day): a receiver cannot park a delivery for ever. */
export const RETRY_AFTER_MAX_MS = 24 * 3_600_000;

/**
 * A Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP date, in milliseconds from
 * `now`; null when absent or unreadable. A date in the past is 0; anything past a day is a day.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1_000, RETRY_AFTER_MAX_MS);
  // An HTTP date (all three RFC 9110 forms) starts with its weekday; Date.parse alone would also take "5.5" or "2030".
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - now), RETRY_AFTER_MAX_MS);
}

/** Removes every secret (and anything non-printable) from text a receiver sent back, and shortens it. */
export function sanitizeDetail(text: string, secrets: readonly string[], max = 200): string {
  let clean = text;
  // Longest first, so a URL is replaced whole before its path is.
  for (const secret of [...secrets].filter((value) => value.length >= 4).sort((a, b) => b.length - a.length)) {
    clean = clean.split(secret).join('[redacted]');
  }
  clean = clean
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** What a receiver's error body says: a JSON `description`, `message` or `error`, or the text itself. */
export function errorDetail(body: string, contentType: string | undefined): string {
  const trimmed = body.trim();
  if (trimmed === '') return '';
  if (/json/i.test(contentType ?? '') || trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as Record<string, unknown>;
      for (const key of ['description', 'message', 'error', 'detail', 'title']) {
        const value = parsed?.[key];
        if (typeof value === 'string' && value !== '') return value;
      }
      return '';
    } catch {
      // a cut or broken JSON body: show its text
    }
  }
  // An HTML error page says nothing useful in one line.
  if (/html/i.test(contentType ?? '') || /^<(!doctype|html)/i.test(trimmed)) return '';
  return trimmed;
}

/** Telegram's 429 names the wait in its body too (`parameters.retry_after`, seconds). */
function bodyRetryAfter(body: string): number | null {
  try {
    const seconds = (JSON.parse(body) as { parameters?: { retry_after?: unknown } }).parameters?.retry_after;
    return typeof seconds === 'number' && seconds >= 0 ? Math.min(seconds * 1_000, RETRY_AFTER_MAX_MS) : null;
  } catch {
    return null;
  }
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The first few KB of the body. */
  body: string;
}

/**
 * What a receiver's answer means: 2xx sent; 3xx failed (redirects are not followed: a webhook URL
 * that moved is fixed by its owner); 408, 429 and 5xx retryable (429 and 503 with their
 * Retry-After); any other 4xx failed for good.
 */
export function classifyAnswer(answer: HttpAnswer, receiver: string, secrets: readonly string[], now: number = Date.now()): SendOutcome {
  const { status } = answer;
  if (status >= 200 && status < 300) return { ok: true, status };
  const reason = STATUS_CODES[status] ?? 'Unknown';
  const contentType = answer.headers['content-type'];
  const detail = sanitizeDetail(errorDetail(answer.body, Array.isArray(contentType) ? contentType[0] : contentType), secrets);
  const said = `${receiver} answered ${status} ${reason}${detail === '' ? '' : `: ${detail}`}`;
  if (status >= 300 && status < 400) {
    return {
      ok: false,
      retryable: false,
      status,
      retryAfterMs: null,
      error: `${receiver} answered ${status} ${reason}, a redirect; redirects are not followed`,
    };
  }
  const retryable = status === 408 || status === 429 || status >= 500;
  const retryAfterMs = status === 429 || status === 503 ? (parseRetryAfter(answer.headers['retry-after'], now) ?? bodyRetryAfter(answer.body)) : null;
  return { ok: false, retryable, status, retryAfterMs, error: said };
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved for now',
  ECONNABORTED: 'the connection was aborted',
  HPE_INVALID_CONSTANT: 'the answer was not HTTP',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS on that port',
  EPROTO: 'the TLS handshake failed',
};

const CERTIFICATE_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
]);

/** True for an error of a TLS certificate that did not verify. */
export function isCertificateError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && CERTIFICATE_CODES.has(code);
}

/**
 * A connection that failed before an answer: retryable (the receiver may be back soon), except a
 * certificate that does not verify (a setting to fix: retrying the same certificate fails the same).
 * Only the error's code reaches the words, never its message (which can carry the host or path).
 */
export function networkFailure(error: unknown, receiver: string): SendOutcome {
  const code = (error as { code?: unknown })?.code;
  if (isCertificateError(error)) {
    return {
      ok: false,
      retryable: false,
      status: null,
      retryAfterMs: null,
      error: `could not reach ${receiver}: its TLS certificate did not verify (${String(code)})`,
    };
  }
  const words = typeof code === 'string' ? (NETWORK_WORDS[code] ?? `a network error (${code.replace(/[^A-Z0-9_]/g, '')})`) : 'a network error';
  return { ok: false, retryable: true, status: null, retryAfterMs: null, error: `could not reach ${receiver}: ${words}` };
}

/** The outcome of an address the policy refused (never retried: the policy or the URL must change). */
export function refusedAddress(urlLabel: string): SendOutcome {
  return {
    ok: false,
    retryable: false,
    status: null,
    retryAfterMs: null,
    error: `${urlLabel} points to an address this instance does not connect to`,
  };
}

/** A host name that does not resolve (now): retried, DNS may come back. `what`: "the host of the webhook URL", "the SMTP host". */
export function unresolvedHost(what: string): SendOutcome {
  return { ok: false, retryable: true, status: null, retryAfterMs: null, error: `${what} does not resolve` };
}

export function timedOut(receiver: string, timeoutMs: number): SendOutcome {
  const seconds = timeoutMs >= 1_000 ? `${Math.round(timeoutMs / 100) / 10} s` : `${timeoutMs} ms`;
  return { ok: false, retryable: true, status: null, retryAfterMs: null, error: `${receiver} did not answer within ${seconds}` };
}

export function aborted(): SendOutcome {
  return { ok: false, retryable: true, status: null, retryAfterMs: null, error: 'the attempt was stopped before it finished' };
}

export function badSettings(message: string): SendOutcome {
  return { ok: false, retryable: false, status: null, retryAfterMs: null, error: message };
}

/**
 * `work`, or null as soon as `signal` aborts (the attempt's timeout or its caller): a resolver that
 * is slow to answer counts in the attempt's time instead of adding to it.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<T | null>((resolve, reject) => {
    const onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
