import type { Request } from 'express';
import type { ClientInfo } from './sessions.service';

export function clientInfo(req: Request): ClientInfo {
  const userAgent = req.headers['user-agent'];
  return { ip: req.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined };
}
