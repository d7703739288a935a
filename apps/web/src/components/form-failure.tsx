import { ApiError } from '../lib/api-client';
import { ErrorState } from './error-state';

interface FormFailureProps {
  /** The failed submission's error, if any. */
  error: unknown;
  /** Fields the form shows errors under; problems about them are not repeated here. */
  fields: readonly string[];
  /** A message in the user's words for this error, replacing the generic problem display. */
  message?: string;
}

/**
 * Why a form could not be submitted, above its button. Validation errors appear under their
 * fields; only those about fields the form does not have (or none at all) are shown here.
 */
export function FormFailure({ error, fields, message }: FormFailureProps) {
  if (!error) return null;
  if (message) {
    return (
      <p className="form__error" role="alert">
        {message}
      </p>
    );
  }
  if (error instanceof ApiError && error.errors.length > 0) {
    const elsewhere = error.errors.filter(({ field }) => !fields.includes(field));
    if (elsewhere.length === 0) return null;
    return (
      <div className="form__error" role="alert">
        <p>{error.title}</p>
        <ul>
          {elsewhere.map(({ field, message: text }) => (
            <li key={`${field}:${text}`}>
              <code>{field}</code> {text}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return <ErrorState error={error} />;
}
