/** Every list endpoint takes these query parameters and answers a `Paginated<T>`. */
export interface PageQuery {
  /** 1-based page number. */
  page?: number;
  /** Items per page, 1..100. */
  perPage?: number;
}

export interface Paginated<T> {
  items: T[];
  page: number;
  perPage: number;
  total: number;
}

export const PAGINATION_DEFAULTS = { page: 1, perPage: 20, maxPerPage: 100 } as const;
