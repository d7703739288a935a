import { Link, useLocation } from 'react-router';
import { PageHeader } from '../components/page-header';

export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <>
      <PageHeader title="Page not found" />
      <div className="empty-state empty-state--page">
        <p>
          Nothing lives at <code>{pathname}</code>.
        </p>
        <Link className="button" to="/">
          Back to Overview
        </Link>
      </div>
    </>
  );
}
