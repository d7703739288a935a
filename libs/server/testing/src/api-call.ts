import { assertNoLeakedSecrets } from './secret-scan';

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface ApiCallerOptions {
  /** Sent with every request (a request's own headers win); a function is asked at each request. */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** Sees every response body, e.g. to scan a whole suite's responses for leaked secrets. */
  onResponse?: (text: string) => void;
}

export type ApiCaller = <T = unknown>(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiResponse<T>>;

/** `call(method, path, bearer?, jsonBody?, headers?)` against a running API, parsing JSON answers. */
export function apiCaller(baseUrl: () => string, options: ApiCallerOptions = {}): ApiCaller {
  return async <T = unknown>(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> => {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        ...(typeof options.headers === 'function' ? options.headers() : options.headers),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    // Every response of every suite that uses this caller is checked for leaked secrets.
    assertNoLeakedSecrets(method, path, text);
    options.onResponse?.(text);
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T, text };
  };
}
