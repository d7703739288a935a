import { request } from 'node:http';

export interface ProxyAnswer {
  status: number;
  body: string;
}

/**
 * GET through a stack's proxy on 127.0.0.1 with the given Host header, as a browser that resolved
 * the application's domain to the server would (fetch cannot set Host).
 */
export function getThroughProxy(port: number, host: string, path = '/', timeoutMs = 10_000): Promise<ProxyAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, connection: 'close' }, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${host}${path} through the proxy timed out`)));
    req.on('error', reject);
    req.end();
  });
}
