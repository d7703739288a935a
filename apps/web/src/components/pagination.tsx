import { useSearchParams } from 'react-router';
import './pagination.css';

interface PaginationProps {
  /** 1-based. */
  page: number;
  perPage: number;
  total: number;
  onPageChange: (page: number) => void;
  /** Accessible name of the navigation, e.g. "API token pages". */
  label: string;
}

/** "21–40 of 45" and Previous/Next under a paginated list; nothing for an empty one. */
export function Pagination({ page, perPage, total, onPageChange, label }: PaginationProps) {
  if (total === 0) return null;
  const pages = Math.max(1, Math.ceil(total / perPage));
  const first = Math.min(total, (page - 1) * perPage + 1);
  const last = Math.min(total, page * perPage);
  return (
    <nav className="pagination" aria-label={label}>
      <p className="pagination__summary" data-testid="pagination-summary">
        {first}–{last} of {total}
      </p>
      <div className="pagination__buttons">
        <button type="button" className="button button--secondary button--small" disabled={page <= 1} onClick={() => onPageChange(page - 1)}>
          Previous
        </button>
        <span className="pagination__page">
          Page {Math.min(page, pages)} of {pages}
        </span>
        <button type="button" className="button button--secondary button--small" disabled={page >= pages} onClick={() => onPageChange(page + 1)}>
          Next
        </button>
      </div>
    </nav>
  );
}

/** The `page` search parameter (1 when absent or not a positive integer), so a page survives a reload. */
export function usePageParam(): [number, (page: number) => void] {
  const [params, setParams] = useSearchParams();
  const raw = Number(params.get('page'));
  const page = Number.isInteger(raw) && raw > 0 ? raw : 1;
  const setPage = (next: number) =>
    setParams((current) => {
      const updated = new URLSearchParams(current);
      if (next > 1) updated.set('page', String(next));
      else updated.delete('page');
      return updated;
    });
  return [page, setPage];
}

interface EmptyPageProps {
  onPageChange: (page: number) => void;
  text?: string;
  action?: string;
}

/** Instead of a page past the end of a list (its items went away): a way back to the first page. */
export function EmptyPage({ onPageChange, text = 'This page is empty.', action = 'Go to the first page' }: EmptyPageProps) {
  return (
    <div className="empty-state">
      {text}{' '}
      <button type="button" className="link-button" onClick={() => onPageChange(1)}>
        {action}
      </button>
    </div>
  );
}
