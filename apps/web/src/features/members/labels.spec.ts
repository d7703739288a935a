import { describe, expect, it } from 'vitest';
import { roughlyFromNow } from './labels';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const inHours = (hours: number) => new Date(NOW + hours * 3_600_000).toISOString();

describe(roughlyFromNow.name, () => {
  it.each([
    [72, 'in 3 days'],
    [71.9, 'in 3 days'],
    [49, 'in 2 days'],
    [24, 'tomorrow'],
    [5.4, 'in 5 hours'],
    [0.25, 'in 15 minutes'],
    [-24, 'yesterday'],
    [-80, '3 days ago'],
  ])('says %s hours from now as "%s"', (hours, expected) => {
    expect(roughlyFromNow(inHours(hours), NOW)).toBe(expected);
  });
});
