import { ContainerParamError } from '@zpanel/core';
import { ContainerNotFoundError } from './containers';
import { FakeContainerOperations } from './fake-containers';

describe(FakeContainerOperations.name, () => {
  const seeds = () => [
    { id: 'aaaaaaaaaaaa', name: 'web', labels: { 'zpanel.managed': 'true' } },
    { id: 'bbbbbbbbbbbb', name: 'other', state: 'exited' as const },
  ];

  it('lists running containers, all of them, or only Zpanel-managed ones', async () => {
    const fake = new FakeContainerOperations(seeds());
    expect((await fake.list()).map((c) => c.names[0])).toEqual(['web']);
    expect((await fake.list({ all: true })).map((c) => c.names[0])).toEqual(['web', 'other']);
    expect((await fake.list({ all: true, managedOnly: true })).map((c) => c.id)).toEqual(['aaaaaaaaaaaa']);
  });

  it('changes state on stop, start and restart, and forgets a removed container', async () => {
    const fake = new FakeContainerOperations(seeds());
    await fake.stop('web', { timeoutSeconds: 1 });
    expect((await fake.inspect('web')).state).toBe('exited');
    await fake.start('web');
    expect((await fake.inspect('web')).state).toBe('running');
    await fake.restart('web');
    expect((await fake.inspect('web')).restartCount).toBe(1);
    await expect(fake.remove('web')).rejects.toThrow(/running/);
    await fake.remove('web', { force: true });
    await expect(fake.inspect('web')).rejects.toBeInstanceOf(ContainerNotFoundError);
    expect(fake.calls).toContain('remove web');
  });

  it('validates like the real implementation before doing anything', async () => {
    const fake = new FakeContainerOperations(seeds());
    await expect(fake.stop('web; reboot')).rejects.toBeInstanceOf(ContainerParamError);
    await expect(fake.logs('web', { tail: '$(id)' })).rejects.toMatchObject({ field: 'tail' });
    expect(fake.calls).toEqual([]);
  });

  it('reads the log tail per stream and streams new lines to followers until aborted', async () => {
    const fake = new FakeContainerOperations(seeds());
    fake.writeLog('web', 'stdout', 'one');
    fake.writeLog('web', 'stderr', 'oops');
    fake.writeLog('web', 'stdout', 'two');
    expect(await fake.logs('web', { tail: 2 })).toEqual({ stdout: 'two\n', stderr: 'oops\n' });

    const seen: string[] = [];
    const controller = new AbortController();
    const following = fake.followLogs('web', { tail: 1 }, (stream, line) => seen.push(`${stream}:${line}`), controller.signal);
    fake.writeLog('web', 'stderr', 'live');
    controller.abort();
    await following;
    fake.writeLog('web', 'stdout', 'after');
    expect(seen).toEqual(['stdout:two', 'stderr:live']);
  });

  it('ends followers when the container stops', async () => {
    const fake = new FakeContainerOperations(seeds());
    const following = fake.followLogs('web', {}, () => undefined, new AbortController().signal);
    await fake.stop('web');
    await expect(following).resolves.toBeUndefined();
  });
});
