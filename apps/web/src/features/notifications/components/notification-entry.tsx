import type { NotificationDto, NotificationSeverity } from '@zpanel/contracts';
import { Link } from 'react-router';
import { CheckCircleIcon, ErrorIcon, InfoIcon, WarningIcon } from '../../../components/icons';
import { TimeAgo } from '../../../components/time-ago';
import { SEVERITY_LABELS, firstLine, notificationTarget } from '../labels';

const SEVERITY_ICONS: Record<NotificationSeverity, (props: React.SVGProps<SVGSVGElement>) => React.ReactNode> = {
  info: InfoIcon,
  success: CheckCircleIcon,
  warning: WarningIcon,
  error: ErrorIcon,
};

export function SeverityIcon({ severity }: { severity: NotificationSeverity }) {
  const Icon = SEVERITY_ICONS[severity];
  return (
    <span className={`notification__severity notification__severity--${severity}`} role="img" aria-label={SEVERITY_LABELS[severity]}>
      <Icon />
    </span>
  );
}

/** What a notification says: how bad, what happened, the first line of why, and when. */
export function NotificationEntry({ notification }: { notification: NotificationDto }) {
  return (
    <>
      <SeverityIcon severity={notification.severity} />
      <span className="notification__text">
        <span className="notification__title">
          {!notification.read && <span className="notification__unread" aria-label="Unread" role="img" />}
          {notification.title}
        </span>
        {notification.message && <span className="notification__message">{firstLine(notification.message)}</span>}
        <span className="notification__time">
          <TimeAgo iso={notification.occurredAt} />
        </span>
      </span>
    </>
  );
}

interface NotificationLinkProps extends Omit<React.AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  notification: NotificationDto;
  children: React.ReactNode;
}

/** The notification as a link to its page: in the app, or (public URL seen from another address) a plain link; a button-less span without a URL. */
export function NotificationLink({ notification, children, className, onClick, ...rest }: NotificationLinkProps) {
  const target = notificationTarget(notification.url);
  if (target?.kind === 'app') {
    return (
      <Link to={target.path} className={className} onClick={onClick} {...rest}>
        {children}
      </Link>
    );
  }
  if (target?.kind === 'external') {
    return (
      <a href={target.href} className={className} onClick={onClick} {...rest}>
        {children}
      </a>
    );
  }
  return null;
}
