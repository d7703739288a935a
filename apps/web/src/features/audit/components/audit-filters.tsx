import { SelectField } from '../../../components/select-field';
import { TextField } from '../../../components/text-field';
import type { AuditFilters as Filters } from '../filters';
import { hasFilters } from '../filters';
import { AUDIT_ACTION_GROUPS, AUDIT_ACTION_LABELS } from '../labels';

interface AuditFiltersProps {
  filters: Filters;
  onChange: (filters: Filters) => void;
}

/** Action and day range; every change applies at once (and goes back to the first page). */
export function AuditFilters({ filters, onChange }: AuditFiltersProps) {
  const update = (patch: Filters) => onChange({ ...filters, ...patch });
  const backwards = Boolean(filters.from && filters.to && filters.from > filters.to);

  return (
    <form className="audit-filters" role="search" aria-label="Filter audit events" onSubmit={(event) => event.preventDefault()}>
      <SelectField
        label="Action"
        selectClassName="audit-filters__action"
        value={filters.action ?? ''}
        onChange={(event) => update({ action: (event.target.value || undefined) as Filters['action'] })}
      >
        <option value="">All actions</option>
        {AUDIT_ACTION_GROUPS.map((group) => (
          <optgroup key={group.label} label={group.label}>
            {group.actions.map((action) => (
              <option key={action} value={action}>
                {AUDIT_ACTION_LABELS[action]}
              </option>
            ))}
          </optgroup>
        ))}
      </SelectField>
      <TextField
        label="From"
        type="date"
        value={filters.from ?? ''}
        max={filters.to}
        onChange={(event) => update({ from: event.target.value || undefined })}
      />
      <TextField
        label="To"
        type="date"
        value={filters.to ?? ''}
        min={filters.from}
        onChange={(event) => update({ to: event.target.value || undefined })}
        error={backwards ? 'Must not be before “From”.' : undefined}
      />
      {hasFilters(filters) && (
        <button type="button" className="link-button audit-filters__clear" onClick={() => onChange({})}>
          Clear filters
        </button>
      )}
    </form>
  );
}
