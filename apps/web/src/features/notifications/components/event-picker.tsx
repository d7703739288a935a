import { NOTIFICATION_EVENT_KINDS, type NotificationEventKind } from '@zpanel/contracts';
import { EVENT_GROUPS, EVENT_KIND_LABELS } from '../labels';

interface EventPickerProps {
  value: readonly NotificationEventKind[];
  onChange: (events: NotificationEventKind[]) => void;
  error?: string;
}

/** The event kinds a channel receives, as checkboxes grouped by what they are about, with all and none. */
export function EventPicker({ value, onChange, error }: EventPickerProps) {
  const toggle = (kind: NotificationEventKind, on: boolean) =>
    onChange(NOTIFICATION_EVENT_KINDS.filter((k) => (k === kind ? on : value.includes(k))));
  return (
    <fieldset className="channels__group" aria-describedby={error ? 'channel-events-error' : undefined}>
      <legend className="field__label">Events</legend>
      <p className="field__hint">
        {value.length} of {NOTIFICATION_EVENT_KINDS.length} selected ·{' '}
        <button type="button" className="link-button" onClick={() => onChange([...NOTIFICATION_EVENT_KINDS])}>
          Select all
        </button>{' '}
        ·{' '}
        <button type="button" className="link-button" onClick={() => onChange([])}>
          Select none
        </button>
      </p>
      <div className="channels__events">
        {EVENT_GROUPS.map((group) => (
          <fieldset key={group.label} className="channels__group">
            <legend>{group.label}</legend>
            {group.kinds.map((kind) => (
              <label key={kind} className="applications__check">
                <input
                  type="checkbox"
                  aria-label={`${group.label}: ${EVENT_KIND_LABELS[kind]}`}
                  checked={value.includes(kind)}
                  onChange={(event) => toggle(kind, event.target.checked)}
                />
                {EVENT_KIND_LABELS[kind]}
              </label>
            ))}
          </fieldset>
        ))}
      </div>
      {error && (
        <p id="channel-events-error" className="field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
