import { dateTime, timeAgo } from '../lib/format';

/** "3 minutes ago", with the exact date and time on hover. */
export function TimeAgo({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={dateTime(iso)}>
      {timeAgo(iso)}
    </time>
  );
}
