interface FormProps {
  /** The form's accessible name. */
  label?: string;
  /** Next to `form`. */
  className?: string;
  onSubmit: () => void;
  children: React.ReactNode;
}

/** A form whose submission stays in the page: `onSubmit` runs instead of a navigation. */
export function Form({ label, className, onSubmit, children }: FormProps) {
  return (
    <form
      className={className ? `form ${className}` : 'form'}
      aria-label={label}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}
