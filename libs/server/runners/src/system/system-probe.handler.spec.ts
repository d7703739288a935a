import { SystemProbeHandler } from './system-probe.handler';

describe(SystemProbeHandler.name, () => {
  it('answers with the id of the worker that ran it', async () => {
    const result = await new SystemProbeHandler('worker-1').handle({ requestedAt: new Date().toISOString() });
    expect(result.workerId).toBe('worker-1');
    expect(Date.parse(result.receivedAt)).not.toBeNaN();
  });
});
