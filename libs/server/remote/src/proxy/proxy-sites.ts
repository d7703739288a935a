import { type ZpanelDockerNames, appName, domainName } from '@zpanel/core';
import type { ProxySite } from './caddy-config';

/** An application as the proxy sees it (read from the database by the worker). */
export interface ProxiedApplication {
  id: string;
  name: string;
  port: number;
  domains: readonly string[];
}

/** Something left out of the config, and why; the value itself is not repeated (it may be hostile). */
export interface RefusedProxyEntry {
  applicationId: string;
  field: 'name' | 'port' | 'domains';
  reason: string;
}

/**
 * The API validated every value before saving; this checks again before use (docs/security.md), so a
 * value that reached the database some other way is left out of the proxy config instead of being
 * routed. Only the bad part is dropped: one bad row must not take every other site down with it.
 * Applications are taken in id order, so which of two claims on one domain wins never changes.
 */
export function proxySitesFrom(
  applications: readonly ProxiedApplication[],
  names: ZpanelDockerNames,
): { sites: ProxySite[]; refused: RefusedProxyEntry[] } {
  const sites: ProxySite[] = [];
  const refused: RefusedProxyEntry[] = [];
  const routed = new Set<string>();
  for (const app of [...applications].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const nameProblem = appName(app.name);
    if (nameProblem) {
      refused.push({ applicationId: app.id, field: 'name', reason: nameProblem });
      continue;
    }
    if (!Number.isInteger(app.port) || app.port < 1 || app.port > 65535) {
      refused.push({ applicationId: app.id, field: 'port', reason: 'must be 1-65535' });
      continue;
    }
    const domains: string[] = [];
    for (const domain of app.domains) {
      const problem = domainName(domain);
      if (problem) refused.push({ applicationId: app.id, field: 'domains', reason: problem });
      else if (routed.has(domain)) refused.push({ applicationId: app.id, field: 'domains', reason: 'already routed to another application' });
      else {
        routed.add(domain);
        domains.push(domain);
      }
    }
    if (domains.length > 0) sites.push({ alias: names.appAlias(app.name), port: app.port, domains: domains.sort() });
  }
  return { sites, refused };
}
