import { PlusIcon } from './icons';

export type ButtonTone = 'primary' | 'secondary' | 'danger';

const TONES: Record<ButtonTone, string> = { primary: 'button', secondary: 'button button--secondary', danger: 'button button--danger' };

export function buttonClass(tone: ButtonTone = 'primary', small = false): string {
  return small ? `${TONES[tone]} button--small` : TONES[tone];
}

interface ButtonProps extends Omit<React.ButtonHTMLAttributes<HTMLButtonElement>, 'title'> {
  tone?: ButtonTone;
  small?: boolean;
  /** Why the caller may not do this: the button is then disabled and says why on hover. */
  refusal?: string;
  /** Adds something (a "+" before the label). */
  plus?: boolean;
}

/** A button (not a submit unless `type` says so) that can be refused. */
export function Button({ tone, small, refusal, plus, disabled, type = 'button', className, children, ...button }: ButtonProps) {
  return (
    <button type={type} className={className ?? buttonClass(tone, small)} disabled={Boolean(refusal) || disabled} title={refusal} {...button}>
      {plus && <PlusIcon />}
      {children}
    </button>
  );
}
