import { cleanUpApplication } from './application-cleanup';
import { FakeDeploymentOps } from './fake-deployment-ops';

describe(cleanUpApplication.name, () => {
  it('stops running containers with the grace period, removes the rest at once, then the images', async () => {
    const ops = new FakeDeploymentOps();
    ops.addRunning('zp-web-aaa', 'zp/web:a', 'zp-web', 'a');
    ops.addRunning('zp-web-bbb', 'zp/web:b', 'zp-web', 'b');
    const stopped = ops.containers.get('zp-web-bbb');
    if (stopped) stopped.running = false;
    ops.addImage('zp/web:a', 'a');
    ops.addImage('zp/web:b', 'b');

    expect(await cleanUpApplication(ops, 30)).toEqual({ containers: 2, images: 2, imagesKept: 0 });

    expect(ops.calls.filter((c) => c.startsWith('retireContainer')).sort()).toEqual([
      'retireContainer zp-web-aaa 30',
      'retireContainer zp-web-bbb 0',
    ]);
    // Images go only after the containers that used them.
    expect(ops.calls.indexOf('appImages')).toBeGreaterThan(ops.calls.findLastIndex((c) => c.startsWith('retireContainer')));
    expect(ops.containers.size).toBe(0);
    expect(ops.images.size).toBe(0);
  });

  it('counts an image Docker keeps (still in use) instead of failing', async () => {
    const ops = new FakeDeploymentOps();
    ops.addImage('zp/web:a', 'a');
    ops.images.set('zp/web:b', { deploymentId: 'b', created: new Date(), inUse: true });
    expect(await cleanUpApplication(ops, 10)).toEqual({ containers: 0, images: 1, imagesKept: 1 });
  });

  it('keeps the named volumes unless asked, then removes them after the containers', async () => {
    const kept = new FakeDeploymentOps();
    kept.volumes.add('zp-volume-x-data');
    expect(await cleanUpApplication(kept, 10)).toEqual({ containers: 0, images: 0, imagesKept: 0 });
    expect(kept.calls).not.toContain('removeAppVolumes');
    expect(kept.volumes.size).toBe(1);

    const removed = new FakeDeploymentOps();
    removed.addRunning('zp-web-aaa', 'zp/web:a', 'zp-web', 'a');
    removed.volumes.add('zp-volume-x-data');
    expect(await cleanUpApplication(removed, 10, { deleteVolumes: true })).toEqual({ containers: 1, images: 0, imagesKept: 0, volumes: 1 });
    expect(removed.calls.indexOf('removeAppVolumes')).toBeGreaterThan(removed.calls.indexOf('retireContainer zp-web-aaa 10'));
  });

  it('has nothing to do for an application that never deployed', async () => {
    expect(await cleanUpApplication(new FakeDeploymentOps(), 10)).toEqual({ containers: 0, images: 0, imagesKept: 0 });
  });
});
