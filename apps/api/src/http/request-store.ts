import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { requestIdOf } from './request-context';

export interface RequestInfo {
  requestId: string;
  ip?: string;
  userAgent?: string;
}

const store = new AsyncLocalStorage<RequestInfo>();

/** Makes the current request's id, address and user agent available to services (audit log). */
export function requestStore() {
  return (req: Request, _res: Response, next: NextFunction) => {
    const userAgent = req.headers['user-agent'];
    store.run({ requestId: requestIdOf(req), ip: req.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined }, next);
  };
}

export function currentRequest(): RequestInfo | undefined {
  return store.getStore();
}
