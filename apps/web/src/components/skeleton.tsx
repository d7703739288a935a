interface SkeletonProps {
  lines?: number;
}

export function Skeleton({ lines = 2 }: SkeletonProps) {
  return (
    <div className="skeleton" aria-busy="true" aria-label="Loading…">
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} className="skeleton__line" />
      ))}
    </div>
  );
}
