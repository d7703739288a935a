import { domainUrl } from '../../../shared/applications/labels';

/** The application's domains, each a link that opens it in a new tab. */
export function DomainLinks({ domains, testId }: { domains: readonly string[]; testId?: string }) {
  return (
    <ul className="applications__urls" data-testid={testId}>
      {domains.map((domain) => (
        <li key={domain}>
          <a href={domainUrl(domain)} target="_blank" rel="noopener noreferrer">
            {domainUrl(domain)}
          </a>
        </li>
      ))}
    </ul>
  );
}
