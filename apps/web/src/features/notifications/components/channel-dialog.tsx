import {
  NOTIFICATION_CHANNEL_KINDS,
  NOTIFICATION_LIMITS,
  type NotificationChannelDto,
  type NotificationChannelKind,
  SMTP_SECURITIES,
  type SmtpSecurity,
} from '@zpanel/contracts';
import { useState } from 'react';
import { Button } from '../../../components/button';
import { FormDialog } from '../../../components/form-dialog';
import { SelectField } from '../../../components/select-field';
import { TextField } from '../../../components/text-field';
import { ApiError, fieldErrors } from '../../../lib/api-client';
import { CheckboxField, TextAreaField } from '../../../shared/applications/components/fields';
import {
  type ChannelFormState,
  type ChannelTextValues,
  CLEARABLE_SECRETS,
  OPTIONAL_SECRETS,
  type SecretName,
  createBody,
  errorOf,
  initialForm,
  shownFields,
  testBody,
  updateBody,
} from '../channel-form';
import { CHANNEL_KIND_LABELS, SMTP_SECURITY_LABELS } from '../labels';
import type { CreatedNotificationChannel } from '../api';
import { useCreateChannel, useTestChannel, useTestUnsavedChannel, useUpdateChannel } from '../mutations';
import { EventPicker } from './event-picker';
import { ScopeFilter } from './scope-filter';
import { SecretField } from './secret-field';
import { TestResult } from './test-result';

interface ChannelDialogProps {
  teamId: string;
  /** The channel edited; absent: a new one. */
  channel?: NotificationChannelDto;
  onClose: () => void;
  /** After a create: the channel as answered, with a generated signing secret to show once. */
  onCreated?: (created: CreatedNotificationChannel) => void;
}

const SECRET_LABELS: Record<SecretName, string> = {
  password: 'Password',
  webhookUrl: 'Webhook URL',
  botToken: 'Bot token',
  accessToken: 'Access token',
  signingSecret: 'Signing secret',
};

const SECRET_HINTS: Partial<Record<NotificationChannelKind, string>> = {
  slack: 'The incoming webhook URL (https://hooks.slack.com/services/…): whoever has it can post, so it is sealed and never shown again.',
  mattermost: 'The incoming webhook URL (https://mattermost.example.com/hooks/…): sealed and never shown again.',
  discord: 'The channel webhook URL (https://discord.com/api/webhooks/…): sealed and never shown again.',
  telegram: 'From @BotFather (123456:ABC-…): sealed and never shown again.',
  ntfy: 'Optional, for a protected topic (tk_…): sealed and never shown again.',
  webhook: 'Optional: leave blank and Zpanel generates one (whsec_…), shown once after saving. Receivers check each delivery’s signature with it.',
  email: 'Optional, with the user name: sealed and never shown again.',
};

/**
 * Adds or edits a channel: its kind's settings, its secrets (write-only), the events it receives
 * and its optional project and environment filters. "Send test" sends a test message with the
 * settings as typed (a new channel) or as saved (an edited one).
 */
export function ChannelDialog({ teamId, channel, onClose, onCreated }: ChannelDialogProps) {
  const [state, setState] = useState<ChannelFormState>(() => initialForm(channel));
  const create = useCreateChannel(teamId);
  const update = useUpdateChannel(teamId);
  const testUnsaved = useTestUnsavedChannel();
  const testSaved = useTestChannel(teamId);
  const test = channel ? testSaved : testUnsaved;
  const submission = channel ? update : create;
  const errors = fieldErrors(submission.error ?? (test.error instanceof ApiError && test.error.errors.length > 0 ? test.error : undefined));
  const error = (field: string) => errorOf(errors, field);
  const { kind, values } = state;

  const set = (patch: Partial<ChannelFormState>) => setState((current) => ({ ...current, ...patch }));
  const bind = (key: keyof ChannelTextValues) => ({
    value: values[key],
    onChange: (event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
      setState((current) => ({ ...current, values: { ...current.values, [key]: event.target.value } })),
  });

  const submit = () => {
    if (channel) update.mutate({ id: channel.id, body: updateBody(state, channel) }, { onSuccess: onClose });
    else create.mutate(createBody(state), { onSuccess: (created) => (onCreated ? onCreated(created) : onClose()) });
  };
  const sendTest = () => (channel ? testSaved.mutate(channel.id) : testUnsaved.mutate(testBody(state)));
  const title = channel ? `Edit ${channel.name}` : 'Add a notification channel';

  const secret = (name: SecretName, placeholder?: string) => {
    const optional = OPTIONAL_SECRETS.includes(name);
    return (
      <SecretField
        key={name}
        label={SECRET_LABELS[name]}
        isSet={Boolean(channel?.secretsSet.includes(name))}
        required={!optional && !channel?.secretsSet.includes(name)}
        clearable={CLEARABLE_SECRETS.includes(name)}
        value={values[name]}
        onValue={(value) => setState((current) => ({ ...current, values: { ...current.values, [name]: value } }))}
        change={state.secretChanges[name] ?? 'keep'}
        onChange={(change) =>
          setState((current) => ({
            ...current,
            secretChanges: { ...current.secretChanges, [name]: change },
            values: { ...current.values, [name]: '' },
          }))
        }
        hint={SECRET_HINTS[kind]}
        error={error(name)}
        placeholder={placeholder}
      />
    );
  };

  return (
    <FormDialog
      title={title}
      description="Where this team's notifications go, and which ones. Secrets are sealed and never shown again."
      formLabel={title}
      wide
      submission={submission}
      fields={shownFields(errors)}
      submitLabel={channel ? 'Save' : 'Add channel'}
      pendingLabel="Saving…"
      onSubmit={submit}
      onClose={onClose}
    >
      <TextField label="Name" required maxLength={NOTIFICATION_LIMITS.nameLength} {...bind('name')} error={error('name')} />
      {channel ? (
        <p className="muted">Kind: {CHANNEL_KIND_LABELS[kind]}</p>
      ) : (
        <SelectField
          label="Kind"
          value={kind}
          onChange={(event) => set({ kind: event.target.value as NotificationChannelKind })}
          error={error('kind')}
        >
          {NOTIFICATION_CHANNEL_KINDS.map((k) => (
            <option key={k} value={k}>
              {CHANNEL_KIND_LABELS[k]}
            </option>
          ))}
        </SelectField>
      )}
      {kind === 'email' && (
        <>
          <TextField label="SMTP host" required placeholder="smtp.example.com" {...bind('host')} error={error('host')} />
          <TextField label="Port" required type="number" min={1} max={65535} {...bind('port')} error={error('port')} />
          <SelectField
            label="Security"
            value={state.security}
            onChange={(event) => set({ security: event.target.value as SmtpSecurity })}
            error={error('security')}
          >
            {SMTP_SECURITIES.map((security) => (
              <option key={security} value={security}>
                {SMTP_SECURITY_LABELS[security]}
              </option>
            ))}
          </SelectField>
          <TextField
            label="User name"
            autoComplete="off"
            {...bind('username')}
            error={error('username')}
            hint="Optional: leave blank for a relay without login."
          />
          {secret('password')}
          <TextField label="From" required type="email" placeholder="zpanel@example.com" {...bind('from')} error={error('from')} />
          <TextAreaField
            label="To"
            required
            rows={3}
            placeholder={'ops@example.com\noncall@example.com'}
            {...bind('to')}
            error={error('to')}
            hint={`One address per line (or separated by commas), at most ${NOTIFICATION_LIMITS.emailRecipients}.`}
          />
        </>
      )}
      {(kind === 'slack' || kind === 'mattermost' || kind === 'discord') && secret('webhookUrl', 'https://…')}
      {kind === 'telegram' && (
        <>
          {secret('botToken')}
          <TextField
            label="Chat ID"
            required
            placeholder="-1001234567890 or @channelname"
            {...bind('chatId')}
            error={error('chatId')}
            hint="A numeric chat id, or @username of a public channel the bot posts in."
          />
        </>
      )}
      {kind === 'ntfy' && (
        <>
          <TextField
            label="Server URL"
            required
            type="url"
            {...bind('serverUrl')}
            error={error('serverUrl')}
            hint="https://ntfy.sh or your own server."
          />
          <TextField label="Topic" required {...bind('topic')} error={error('topic')} />
          {secret('accessToken')}
        </>
      )}
      {kind === 'webhook' && (
        <>
          <TextField
            label="URL"
            required
            type="url"
            placeholder="https://example.com/zpanel-events"
            {...bind('url')}
            error={error('url')}
            hint="Receives a signed JSON body per event (docs/notifications.md, “Generic webhook”)."
          />
          {secret('signingSecret')}
        </>
      )}
      <EventPicker value={state.events} onChange={(events) => set({ events })} error={error('events')} />
      <ScopeFilter
        teamId={teamId}
        projectIds={state.projectIds}
        environmentIds={state.environmentIds}
        onChange={(scope) => set(scope)}
        projectError={error('projectIds')}
        environmentError={error('environmentIds')}
      />
      <CheckboxField label="Enabled" checked={state.enabled} onChange={(event) => set({ enabled: event.target.checked })} />
      <div className="channels__test">
        <Button tone="secondary" disabled={test.isPending} onClick={sendTest}>
          {channel ? 'Send test (saved settings)' : 'Send test'}
        </Button>
        <TestResult
          pending={test.isPending}
          result={test.data}
          error={test.error instanceof ApiError && test.error.errors.length > 0 ? undefined : (test.error ?? undefined)}
        />
        {test.error instanceof ApiError && test.error.errors.length > 0 && !submission.error && (
          <p className="form__error" role="alert">
            Not sent: {test.error.title}. See the fields above.
          </p>
        )}
      </div>
    </FormDialog>
  );
}
