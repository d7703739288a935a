import { Link } from 'react-router';
import { ErrorState } from './error-state';
import { PageHeader } from './page-header';
import { Skeleton } from './skeleton';

interface PagePlaceholderProps {
  title: string;
  /** Why the page's resource could not be loaded; absent while it loads. */
  failure?: { error: unknown; backTo: string; backLabel: string };
}

/** A detail page until its resource is there: its title over a skeleton, or over the failure and a way back. */
export function PagePlaceholder({ title, failure }: PagePlaceholderProps) {
  return (
    <>
      <PageHeader title={title} />
      <section className="panel">
        {failure ? (
          <>
            <ErrorState error={failure.error} />
            <p>
              <Link to={failure.backTo}>{failure.backLabel}</Link>
            </p>
          </>
        ) : (
          <Skeleton lines={4} />
        )}
      </section>
    </>
  );
}
