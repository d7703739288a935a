import type { NotificationEventEntity } from '@zpanel/database';
import { notificationDtoOf, testMessageOf, webhookBodyOf } from './notification-messages';
import { reachesChannels } from './notifications-fanout.handler';

const event = (overrides: Partial<NotificationEventEntity> = {}): NotificationEventEntity => ({
  id: '0d3c7c9e-8f43-4a0b-9d59-2f0b8f7f4a11',
  teamId: '1b7c0d2e-5a9f-4c3b-8e1d-6f2a3b4c5d6e',
  userId: null,
  audience: 'team',
  kind: 'deployment.failed',
  severity: 'error',
  title: 'Deployment of api failed',
  message: 'The build failed at step 4.',
  url: '/applications/a/deployments/d',
  subjectType: 'deployment',
  subjectId: '2c8d1e3f-6b0a-4d4c-9f2e-7a3b4c5d6e7f',
  subjectName: 'api #12',
  projectId: '3d9e2f4a-7c1b-4e5d-8a3f-8b4c5d6e7f80',
  environmentId: '4e0f3a5b-8d2c-4f6e-9b4a-9c5d6e7f8091',
  groupKey: null,
  data: { commit: 'abc1234', exitCode: 1, cached: false, reason: null },
  occurredAt: new Date('2026-12-07T19:00:00.000Z'),
  fannedOutAt: null,
  ...overrides,
});
const names = {
  team: { id: '1b7c0d2e-5a9f-4c3b-8e1d-6f2a3b4c5d6e', name: 'Night shift' },
  project: { id: '3d9e2f4a-7c1b-4e5d-8a3f-8b4c5d6e7f80', name: 'shop' },
  environment: { id: '4e0f3a5b-8d2c-4f6e-9b4a-9c5d6e7f8091', name: 'production' },
};

describe('webhookBodyOf', () => {
  it('is the version 1 body: the event, the names, the link made absolute', () => {
    const e = event();
    expect(webhookBodyOf(e, names, 'https://zpanel.example.com')).toEqual({
      version: 1,
      id: e.id,
      type: 'deployment.failed',
      occurredAt: '2026-12-07T19:00:00.000Z',
      severity: 'error',
      title: 'Deployment of api failed',
      message: 'The build failed at step 4.',
      url: 'https://zpanel.example.com/applications/a/deployments/d',
      team: names.team,
      project: names.project,
      environment: names.environment,
      subject: { type: 'deployment', id: e.subjectId, name: 'api #12' },
      data: { commit: 'abc1234', exitCode: 1, cached: false, reason: null },
    });
  });

  it('keeps a path without a public URL, and has no subject without one', () => {
    const body = webhookBodyOf(
      event({ subjectType: null, subjectId: null, subjectName: null, url: null }),
      { ...names, project: null, environment: null },
      null,
    );
    expect(body).toMatchObject({ url: null, subject: null, project: null, environment: null });
    expect(webhookBodyOf(event(), names, null).url).toBe('/applications/a/deployments/d');
  });
});

describe('notificationDtoOf', () => {
  it('is the notification centre entry, unread', () => {
    const e = event();
    expect(notificationDtoOf(e, 'https://zpanel.example.com')).toEqual({
      id: e.id,
      teamId: e.teamId,
      kind: 'deployment.failed',
      severity: 'error',
      title: 'Deployment of api failed',
      message: 'The build failed at step 4.',
      url: 'https://zpanel.example.com/applications/a/deployments/d',
      subjectType: 'deployment',
      subjectId: e.subjectId,
      projectId: e.projectId,
      environmentId: e.environmentId,
      occurredAt: '2026-12-07T19:00:00.000Z',
      read: false,
    });
  });
});

describe('testMessageOf', () => {
  it('is a message of type test naming the channel and team, a fresh id each time', () => {
    const now = new Date('2026-12-07T19:30:00.000Z');
    const first = testMessageOf(names.team, 'ops hook', null, now);
    expect(first).toMatchObject({
      version: 1,
      type: 'test',
      occurredAt: now.toISOString(),
      team: names.team,
      project: null,
      subject: null,
      data: {},
    });
    expect(first.message).toContain('ops hook');
    expect(testMessageOf(names.team, 'ops hook', null, now).id).not.toBe(first.id);
  });
});

describe('reachesChannels', () => {
  it('sends team events of a subscribable kind to channels, not notices to owners or a person’s own events', () => {
    expect(reachesChannels(event())).toBe(true);
    expect(reachesChannels(event({ audience: 'owners', kind: 'channel.failing' }))).toBe(false);
    expect(reachesChannels(event({ audience: 'team', kind: 'channel.failing' }))).toBe(false);
    expect(reachesChannels(event({ audience: 'user', teamId: null, userId: 'u', kind: 'account.new_sign_in' }))).toBe(false);
    expect(reachesChannels(event({ teamId: null }))).toBe(false);
  });
});
