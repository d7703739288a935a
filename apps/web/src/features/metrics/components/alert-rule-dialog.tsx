import {
  ALERT_METRICS,
  ALERT_OPERATORS,
  type AlertMetric,
  type AlertOperator,
  type AlertRuleDto,
  type CreateAlertRuleRequest,
} from '@zpanel/contracts';
import { useState } from 'react';
import { FormDialog } from '../../../components/form-dialog';
import { SelectField } from '../../../components/select-field';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { MAX_DURATION_SECONDS, METRIC_LABELS, OPERATOR_LABELS, PERCENT_METRICS } from '../labels';
import { useCreateAlertRule, useUpdateAlertRule } from '../mutations';
import { bindText } from '../../../components/field';

interface AlertRuleDialogProps {
  teamId: string;
  serverId: string;
  /** The rule to change; absent to add one. */
  rule?: AlertRuleDto;
  onClose: () => void;
}

const FIELDS = ['metric', 'operator', 'threshold', 'durationSeconds', 'enabled'];

/** Adds or changes a rule. The hints mirror the API's validation; its answer is shown on the same fields. */
export function AlertRuleDialog({ teamId, serverId, rule, onClose }: AlertRuleDialogProps) {
  const create = useCreateAlertRule(teamId, serverId);
  const update = useUpdateAlertRule(teamId, serverId);
  const mutation = rule ? update : create;
  const [metric, setMetric] = useState<AlertMetric>(rule?.metric ?? 'cpu');
  const [operator, setOperator] = useState<AlertOperator>(rule?.operator ?? '>');
  const [threshold, setThreshold] = useState(String(rule?.threshold ?? 90));
  const [duration, setDuration] = useState(String(rule?.durationSeconds ?? 300));
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const fields = fieldErrors(mutation.error);

  const hasValue = metric !== 'unreachable';
  const percentage = PERCENT_METRICS.has(metric);
  const thresholdNumber = Number(threshold);
  const thresholdHint = !hasValue
    ? undefined
    : threshold.trim() === '' || !Number.isFinite(thresholdNumber) || thresholdNumber < 0 || (percentage && thresholdNumber > 100)
      ? percentage
        ? 'A percentage from 0 to 100.'
        : 'A load average of 0 or more.'
      : undefined;
  const durationNumber = Number(duration);
  const durationHint =
    duration.trim() !== '' && Number.isInteger(durationNumber) && durationNumber >= 0 && durationNumber <= MAX_DURATION_SECONDS
      ? undefined
      : `Whole seconds from 0 to ${MAX_DURATION_SECONDS} (a day).`;
  const invalid = Boolean(thresholdHint || durationHint);

  const submit = () => {
    if (invalid) return;
    const body: CreateAlertRuleRequest = {
      metric,
      // Unreachable has no value to compare: the API keeps its own operator and threshold.
      ...(hasValue ? { operator, threshold: thresholdNumber } : {}),
      durationSeconds: durationNumber,
      enabled,
    };
    if (!rule) {
      create.mutate(body, { onSuccess: onClose });
      return;
    }
    const changes = Object.fromEntries(Object.entries(body).filter(([field, value]) => rule[field as keyof AlertRuleDto] !== value));
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    update.mutate({ ruleId: rule.id, changes }, { onSuccess: onClose });
  };

  return (
    <FormDialog
      title={rule ? 'Edit alert rule' : 'Add alert rule'}
      description="The rule is checked at every server check."
      formLabel={rule ? 'Edit alert rule' : 'Add alert rule'}
      onSubmit={submit}
      onClose={onClose}
      submission={mutation}
      fields={FIELDS}
      submitLabel={rule ? 'Save' : 'Add rule'}
      pendingLabel="Saving…"
      disabled={invalid}
    >
      <SelectField label="Metric" value={metric} error={fields.metric} onChange={(event) => setMetric(event.target.value as AlertMetric)}>
        {ALERT_METRICS.map((value) => (
          <option key={value} value={value}>
            {METRIC_LABELS[value]}
          </option>
        ))}
      </SelectField>
      {hasValue && (
        <div className="alert-rule-dialog__condition">
          <SelectField
            label="Condition"
            value={operator}
            error={fields.operator}
            onChange={(event) => setOperator(event.target.value as AlertOperator)}
          >
            {ALERT_OPERATORS.map((value) => (
              <option key={value} value={value}>
                {OPERATOR_LABELS[value]}
              </option>
            ))}
          </SelectField>
          <TextField
            label={percentage ? 'Threshold (%)' : 'Threshold'}
            type="number"
            required
            min={0}
            max={percentage ? 100 : undefined}
            step="any"
            {...bindText(threshold, setThreshold)}
            error={fields.threshold ?? thresholdHint}
          />
        </div>
      )}
      <TextField
        label="Duration (seconds)"
        type="number"
        required
        min={0}
        max={MAX_DURATION_SECONDS}
        {...bindText(duration, setDuration)}
        error={fields.durationSeconds ?? durationHint}
        hint="How long the condition must hold before the alert opens; 0 opens it at the first check."
      />
      <label className="servers__choice">
        <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
        Enabled
      </label>
      {fields.enabled && <p className="field__error">{fields.enabled}</p>}
    </FormDialog>
  );
}
