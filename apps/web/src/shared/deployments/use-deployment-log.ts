import type { DeploymentLiveEvent, DeploymentLogLine } from '@zpanel/contracts';
import { useReducer, useRef, useState } from 'react';
import { type LiveSubscriptionState, useLiveSubscription } from '../../lib/use-live-subscription';

export type DeploymentStatusEvent = Extract<DeploymentLiveEvent, { type: 'status' }>;

export interface DeploymentLog {
  /**
   * Every line received, in `seq` order, each once. Appended in place (a 50,000-line log is not
   * copied per batch); `version` changes whenever it grew.
   */
  lines: readonly DeploymentLogLine[];
  version: number;
  /** The newest status event: sent after the replay, then on every change. */
  status: DeploymentStatusEvent | undefined;
  live: LiveSubscriptionState;
}

/**
 * Follows one deployment's log: the stored lines, then new ones live. Every (re)subscription asks
 * only for lines after the last `seq` held, so a dropped connection resumes where it stopped;
 * a line whose `seq` is not past the last one is a repeat and is dropped. All lines of the
 * deployment are kept (they are short, and a log read with gaps or out of order misleads);
 * rendering is what gets windowed. Mount with `key={deploymentId}`: a new deployment is a new log.
 */
export function useDeploymentLog(deploymentId: string, onStatus?: (event: DeploymentStatusEvent) => void): DeploymentLog {
  const held = useRef<{ lines: DeploymentLogLine[]; lastSeq: number }>({ lines: [], lastSeq: 0 });
  const [version, grew] = useReducer((n: number) => n + 1, 0);
  const [status, setStatus] = useState<DeploymentStatusEvent>();

  const live = useLiveSubscription<'deployment-logs'>(
    deploymentId,
    () => ({ kind: 'deployment-logs', deploymentId, afterSeq: held.current.lastSeq }),
    (event) => {
      if (event.type === 'status') {
        setStatus(event);
        onStatus?.(event);
        return;
      }
      const log = held.current;
      let added = 0;
      for (const line of event.lines) {
        if (line.seq <= log.lastSeq) continue;
        log.lines.push(line);
        log.lastSeq = line.seq;
        added += 1;
      }
      if (added > 0) grew();
    },
  );

  return { lines: held.current.lines, version, status, live };
}
