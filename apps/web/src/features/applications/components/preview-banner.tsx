import type { ApplicationDto, PreviewOfDto } from '@zpanel/contracts';
import { Link } from 'react-router';

interface PreviewBannerProps {
  previewOf: PreviewOfDto;
  /** The application previewed, once loaded. */
  parent?: ApplicationDto;
}

/** On a preview's own page: which application and pull request it previews, and where its settings live. */
export function PreviewBanner({ previewOf, parent }: PreviewBannerProps) {
  const parentPath = `/applications/${previewOf.applicationId}`;
  const name = parent?.name ?? 'the application it previews';
  return (
    <div className="applications__preview-banner" role="note" data-testid="preview-banner">
      <p>
        Preview of <strong>{name}</strong> for pull request #{previewOf.number} — its settings follow <Link to={parentPath}>{name}</Link> (its
        variables, domain and removal are on that application&apos;s <Link to={`${parentPath}/previews`}>Previews tab</Link>).
      </p>
    </div>
  );
}
