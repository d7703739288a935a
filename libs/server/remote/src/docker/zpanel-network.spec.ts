import { zpanelDockerNames } from '@zpanel/core';
import type Docker from 'dockerode';
import { ensureZpanelNetwork } from './zpanel-network';

/** A Docker whose network creation takes a while and, like Docker 20.10 under a race, never refuses a duplicate. */
function slowDocker() {
  const created: string[] = [];
  const docker = {
    getNetwork: (name: string) => ({
      inspect: async () => {
        if (created.includes(name)) return { Name: name };
        throw Object.assign(new Error('no such network'), { statusCode: 404 });
      },
    }),
    createNetwork: async (options: { Name: string }) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      created.push(options.Name);
    },
  };
  return { docker: docker as unknown as Docker, created };
}

describe(ensureZpanelNetwork.name, () => {
  it('creates the network once when a proxy sync and a deployment ensure it at the same time', async () => {
    const { docker, created } = slowDocker();
    const names = zpanelDockerNames('zt-race');
    const outcomes = await Promise.all([ensureZpanelNetwork(docker, names), ensureZpanelNetwork(docker, names), ensureZpanelNetwork(docker, names)]);
    expect(created).toEqual(['zt-race']);
    expect(outcomes.sort()).toEqual(['created', 'kept', 'kept']);
  });

  it('lets the next caller try again after a failed creation', async () => {
    const names = zpanelDockerNames('zt-retry');
    const failing = {
      getNetwork: () => ({ inspect: async () => Promise.reject(Object.assign(new Error('no'), { statusCode: 404 })) }),
      createNetwork: async () => Promise.reject(new Error('daemon busy')),
    };
    await expect(ensureZpanelNetwork(failing as unknown as Docker, names)).rejects.toThrow('daemon busy');
    const { docker, created } = slowDocker();
    expect(await ensureZpanelNetwork(docker, names)).toBe('created');
    expect(created).toEqual(['zt-retry']);
  });
});
