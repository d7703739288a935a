export type Tone = 'ok' | 'warn' | 'down' | 'neutral';

interface StatusBadgeProps {
  tone: Tone;
  children: React.ReactNode;
}

export function StatusBadge({ tone, children }: StatusBadgeProps) {
  return (
    <span className={`badge badge--${tone}`}>
      <span className="dot" aria-hidden="true" />
      {children}
    </span>
  );
}
