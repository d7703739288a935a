import type { NotificationChannelDto } from '@zpanel/contracts';
import { StatusBadge } from '../../../components/status-badge';
import { TimeAgo } from '../../../components/time-ago';

/** Enabled or not, and failing (since when, after how many failures in a row). */
export function ChannelState({ channel }: { channel: NotificationChannelDto }) {
  if (!channel.enabled) return <StatusBadge tone="neutral">Disabled</StatusBadge>;
  if (channel.failingSince) {
    return (
      <span title={`${channel.consecutiveFailures} failed deliveries in a row`}>
        <StatusBadge tone="down">Failing</StatusBadge>{' '}
        <span className="muted">
          since <TimeAgo iso={channel.failingSince} />
        </span>
      </span>
    );
  }
  return <StatusBadge tone="ok">Enabled</StatusBadge>;
}
