import type { UseQueryResult } from '@tanstack/react-query';
import { Pagination } from './pagination';
import { QueryView } from './query-view';

/** A header: its text, or one announced only (an actions column), or one of numbers (right-aligned). */
export type Column = string | { title: string; numeric?: boolean; hidden?: boolean };

/** What a table is, apart from its rows; usually a constant of the module. */
export interface TableShape {
  /** The table's accessible name. */
  label?: string;
  testId?: string;
  /** Next to `table`. */
  className?: string;
  /** `false` leaves a column out, e.g. one the caller may not see. */
  columns: readonly (Column | false)[];
}

interface DataTableProps<T> extends TableShape {
  items: readonly T[];
  /** One row: a keyed `<tr>`. */
  children: (item: T) => React.ReactNode;
}

function HeaderCell({ column }: { column: Column }) {
  if (typeof column === 'string') return <th scope="col">{column}</th>;
  if (column.hidden) return <th scope="col" aria-label={column.title} />;
  return (
    <th scope="col" className={column.numeric ? 'num' : undefined}>
      {column.title}
    </th>
  );
}

const columnKey = (column: Column) => (typeof column === 'string' ? column : column.title);

/** A scrollable table with a header row, one row per item. */
export function DataTable<T>({ label, testId, className, columns, items, children }: DataTableProps<T>) {
  return (
    <div className="table-scroll">
      <table className={className ? `table ${className}` : 'table'} aria-label={label} data-testid={testId}>
        <thead>
          <tr>{columns.map((column) => column && <HeaderCell key={columnKey(column)} column={column} />)}</tr>
        </thead>
        <tbody>{items.map((item) => children(item))}</tbody>
      </table>
    </div>
  );
}

/** One page of a list, as the API answers it. */
export interface PageOf<T> {
  items: T[];
  total: number;
  perPage: number;
}

/** Which page is shown, and how the table moves to another. */
export interface Paging {
  /** 1-based. */
  page: number;
  onPageChange: (page: number) => void;
  /** Until the API says how many it puts on a page. */
  perPage: number;
  /** The accessible name of the pagination, e.g. "Project pages". */
  label: string;
}

interface PagedTableProps<T> {
  query: UseQueryResult<PageOf<T>>;
  table: TableShape;
  paging: Paging;
  /** Of the skeleton while the first page loads. */
  lines?: number;
  /** Shown instead of the table when there is nothing at all. */
  empty: React.ReactNode;
  /** Shown instead of the table when this page is past the end of a list that is not empty. */
  emptyPage?: React.ReactNode;
  children: (item: T) => React.ReactNode;
}

/** A paginated list from the API as a table, with its loading, failure and empty states. */
export function PagedTable<T>({ query, table, paging, lines = 3, empty, emptyPage, children }: PagedTableProps<T>) {
  return (
    <QueryView query={query} lines={lines}>
      {(data) => {
        if (data.total === 0) return empty;
        if (data.items.length === 0 && emptyPage) return emptyPage;
        return (
          <>
            <DataTable {...table} items={data.items}>
              {children}
            </DataTable>
            <Pagination {...paging} perPage={data.perPage || paging.perPage} total={data.total} />
          </>
        );
      }}
    </QueryView>
  );
}
