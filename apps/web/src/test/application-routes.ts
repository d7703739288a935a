import { type ApplicationDto, Role } from '@zpanel/contracts';
import { aProject, anApplication, anEnvironment } from './applications-fixtures';
import { aMe, aMembership, readyReadiness } from './fixtures';
import { jsonResponse } from './mock-api';
import { aPage, aServer } from './servers-fixtures';

/**
 * What every page of application app-1 asks for before its tab's own data: the caller (with `role`
 * in the team), readiness, the application (asked again each time), its project with its
 * environments, and its server.
 */
export function applicationPageRoutes(role: Role = Role.Owner, application: () => ApplicationDto = () => anApplication()) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    '/api/v1/applications/app-1': () => jsonResponse(application()),
    '/api/v1/projects/project-1': () => jsonResponse(aProject()),
    '/api/v1/projects/project-1/environments?page=1&perPage=100': () => jsonResponse(aPage([anEnvironment()], { perPage: 100 })),
    '/api/v1/servers/server-1': () => jsonResponse(aServer()),
  };
}
