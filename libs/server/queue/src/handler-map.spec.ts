import { ALL_JOB_NAMES, JobName } from '@zpanel/contracts';
import { HandlerMapError, buildHandlerMap } from './handler-map';

describe(buildHandlerMap.name, () => {
  const complete = () => ALL_JOB_NAMES.map((jobName) => ({ jobName, handler: `handler:${jobName}` }));

  it('pairs each job name with its one handler', () => {
    const map = buildHandlerMap(complete());
    expect(map.get(JobName.SystemProbe)).toBe(`handler:${JobName.SystemProbe}`);
    expect(map.size).toBe(ALL_JOB_NAMES.length);
  });

  it('refuses a job name without a handler', () => {
    const found = complete().filter((h) => h.jobName !== JobName.SystemProbe);
    expect(() => buildHandlerMap(found)).toThrow(new HandlerMapError([JobName.SystemProbe], [], []));
  });

  it('refuses two handlers for one job name', () => {
    const found = [...complete(), { jobName: JobName.SystemProbe, handler: 'second' }];
    expect(() => buildHandlerMap(found)).toThrow(/more than one handler for system\.probe/);
  });

  it('refuses a handler for a job that is not in the job map', () => {
    expect(() => buildHandlerMap([...complete(), { jobName: 'system.nope', handler: 'x' }])).toThrow(/unknown jobs system\.nope/);
  });
});
