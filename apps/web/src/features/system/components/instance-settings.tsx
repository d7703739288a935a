import {
  INSTANCE_SETTINGS_LIMITS,
  SMTP_SECURITIES,
  type InstanceSettingsDto,
  type NotificationTestResultDto,
  type SmtpSecurity,
  type UpdateInstanceSettingsRequest,
} from '@zpanel/contracts';
import { useId, useState } from 'react';
import { Button } from '../../../components/button';
import { Form } from '../../../components/form';
import { FormActions } from '../../../components/form-actions';
import { QueryView } from '../../../components/query-view';
import { SelectField } from '../../../components/select-field';
import { Skeleton } from '../../../components/skeleton';
import { TextField } from '../../../components/text-field';
import { ApiError, fieldErrors } from '../../../lib/api-client';
import { useInstanceBackupAccess } from '../../../shared/backups/queries';
import { useTestInstanceSmtp, useUpdateInstanceSettings } from '../mutations';
import { useInstanceSettings } from '../queries';

const SECURITY_LABELS: Record<SmtpSecurity, string> = {
  starttls: 'STARTTLS (usually port 587)',
  tls: 'TLS from the start (usually port 465)',
  none: 'None (plain text)',
};

const FIELDS = ['publicUrl', 'smtp', 'smtp.host', 'smtp.port', 'smtp.security', 'smtp.username', 'smtp.password', 'smtp.from'] as const;

/**
 * The instance's public URL and SMTP server (docs/notifications.md, "Instance email"), for its
 * operators only: the same access answer as the instance backups decides; others see nothing.
 */
export function InstanceSettings() {
  const access = useInstanceBackupAccess();
  const allowed = access.data?.allowed === true;
  const settings = useInstanceSettings(allowed);

  if (access.isPending) return <Skeleton lines={2} />;
  // Not an operator (or the access answer failed): the settings are not theirs to see.
  if (!allowed) return null;
  return (
    <section className="section" aria-label="Instance settings">
      <h2 className="section__title">Settings</h2>
      <p className="muted">
        Where people reach this instance, and the SMTP server Zpanel sends its own email through (invitations, password resets).
      </p>
      <div className="panel panel--padded">
        <QueryView query={settings} lines={4}>
          {(data) => (
            <>
              <SettingsForm key={JSON.stringify(data)} settings={data} />
              {data.smtp && <SmtpTest />}
            </>
          )}
        </QueryView>
      </div>
    </section>
  );
}

function SettingsForm({ settings }: { settings: InstanceSettingsDto }) {
  const update = useUpdateInstanceSettings();
  const fields = fieldErrors(update.error);
  const smtpId = useId();
  const [publicUrl, setPublicUrl] = useState(settings.publicUrl ?? '');
  const [smtpOn, setSmtpOn] = useState(settings.smtp !== null);
  const [host, setHost] = useState(settings.smtp?.host ?? '');
  const [port, setPort] = useState(String(settings.smtp?.port ?? 587));
  const [security, setSecurity] = useState<SmtpSecurity>(settings.smtp?.security ?? 'starttls');
  const [username, setUsername] = useState(settings.smtp?.username ?? '');
  const [from, setFrom] = useState(settings.smtp?.from ?? '');
  const passwordSet = settings.smtp?.passwordSet === true;
  const [replacePassword, setReplacePassword] = useState(!passwordSet);
  const [password, setPassword] = useState('');

  const submit = () => {
    const body: UpdateInstanceSettingsRequest = { publicUrl: publicUrl.trim() === '' ? null : publicUrl.trim() };
    if (!smtpOn) {
      body.smtp = null;
    } else {
      body.smtp = { host: host.trim(), port: Number(port), security, username: username.trim() === '' ? null : username.trim(), from: from.trim() };
      // Omitted keeps the saved password; replaced with nothing clears it.
      if (replacePassword) body.smtp.password = password === '' ? null : password;
    }
    update.mutate(body);
  };

  return (
    <Form label="Instance settings" onSubmit={submit}>
      <TextField
        label="Public URL"
        type="url"
        maxLength={INSTANCE_SETTINGS_LIMITS.publicUrlLength}
        placeholder="https://zpanel.example.com"
        hint="Links in emails and notifications start with it."
        value={publicUrl}
        onChange={(event) => setPublicUrl(event.target.value)}
        error={fields.publicUrl}
      />
      <div className="checkbox">
        <input id={smtpId} type="checkbox" checked={smtpOn} onChange={(event) => setSmtpOn(event.target.checked)} />
        <div>
          <label htmlFor={smtpId} className="checkbox__label">
            Send email through an SMTP server
          </label>
          {!smtpOn && <p className="field__hint">Off: invitations are shared by link and password resets send nothing.</p>}
        </div>
      </div>
      {smtpOn && (
        <>
          <TextField
            label="SMTP host"
            required
            maxLength={INSTANCE_SETTINGS_LIMITS.hostLength}
            placeholder="smtp.example.com"
            value={host}
            onChange={(event) => setHost(event.target.value)}
            error={fields['smtp.host']}
          />
          <TextField
            label="Port"
            type="number"
            required
            min={1}
            max={65535}
            value={port}
            onChange={(event) => setPort(event.target.value)}
            error={fields['smtp.port']}
          />
          <SelectField
            label="Security"
            value={security}
            onChange={(event) => setSecurity(event.target.value as SmtpSecurity)}
            error={fields['smtp.security']}
          >
            {SMTP_SECURITIES.map((value) => (
              <option key={value} value={value}>
                {SECURITY_LABELS[value]}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Username"
            autoComplete="off"
            maxLength={INSTANCE_SETTINGS_LIMITS.usernameLength}
            hint="Empty when the server takes mail without signing in."
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            error={fields['smtp.username']}
          />
          {replacePassword ? (
            <TextField
              label="Password"
              type="password"
              autoComplete="new-password"
              maxLength={INSTANCE_SETTINGS_LIMITS.passwordLength}
              hint={passwordSet ? 'Replaces the saved password; empty clears it.' : 'Stored encrypted; never shown again.'}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              error={fields['smtp.password']}
            />
          ) : (
            <div className="field">
              <span className="field__label">Password</span>
              <p data-testid="smtp-password-set">
                Set (stored encrypted, never shown).{' '}
                <Button tone="secondary" small onClick={() => setReplacePassword(true)}>
                  Replace?
                </Button>
              </p>
              <p className="field__hint">Kept when you save, unless the host changes.</p>
            </div>
          )}
          <TextField
            label="From"
            type="email"
            required
            maxLength={INSTANCE_SETTINGS_LIMITS.emailLength}
            placeholder="zpanel@example.com"
            hint="The sender of every email Zpanel sends itself."
            value={from}
            onChange={(event) => setFrom(event.target.value)}
            error={fields['smtp.from']}
          />
        </>
      )}
      <FormActions submission={update} fields={FIELDS} submitLabel="Save settings" savedMessage="Settings saved." />
    </Form>
  );
}

function SmtpTest() {
  const test = useTestInstanceSmtp();
  const [to, setTo] = useState('');
  const fields = fieldErrors(test.error);
  const noSmtp = test.error instanceof ApiError && test.error.status === 409;
  return (
    <Form label="Send a test email" className="form--inline" onSubmit={() => test.mutate({ to: to.trim() })}>
      <TextField
        label="Send a test email to"
        type="email"
        required
        maxLength={INSTANCE_SETTINGS_LIMITS.emailLength}
        placeholder="you@example.com"
        hint="Through the saved settings: save your changes first."
        value={to}
        onChange={(event) => setTo(event.target.value)}
        error={fields.to}
      />
      {test.data && !test.isPending && <TestResult result={test.data} />}
      <FormActions
        submission={test}
        fields={['to']}
        failureMessage={noSmtp ? 'No SMTP settings are saved yet: save them first.' : undefined}
        submitLabel="Send test email"
        pendingLabel="Sending…"
      />
    </Form>
  );
}

function TestResult({ result }: { result: NotificationTestResultDto }) {
  return result.ok ? (
    <p className="form__success" data-testid="smtp-test-result">
      Sent: the SMTP server accepted the test email in {result.latencyMs} ms.
    </p>
  ) : (
    <p className="form__error" role="alert" data-testid="smtp-test-result">
      Not sent: {result.error ?? 'the SMTP server refused it'} (after {result.latencyMs} ms).
    </p>
  );
}
