import { ApiPropertyOptional } from '@nestjs/swagger';
import { PAGINATION_DEFAULTS, type PageQuery, type Paginated } from '@zpanel/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Query parameters every list endpoint accepts. */
export class PageQueryDto implements PageQuery {
  @ApiPropertyOptional({ minimum: 1, default: PAGINATION_DEFAULTS.page })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: PAGINATION_DEFAULTS.maxPerPage, default: PAGINATION_DEFAULTS.perPage })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGINATION_DEFAULTS.maxPerPage)
  perPage?: number;
}

export function pageWindow(query: PageQuery): { page: number; perPage: number; skip: number } {
  const page = query.page ?? PAGINATION_DEFAULTS.page;
  const perPage = query.perPage ?? PAGINATION_DEFAULTS.perPage;
  return { page, perPage, skip: (page - 1) * perPage };
}

export function paginated<T>(items: T[], total: number, window: { page: number; perPage: number }): Paginated<T> {
  return { items, total, page: window.page, perPage: window.perPage };
}
