import { effectiveVariables } from './deployment-variables';

describe(effectiveVariables.name, () => {
  const env = (key: string, value: string) => ({ key, value, environmentId: 'e1', preview: false });
  const app = (key: string, value: string) => ({ key, value, environmentId: null, preview: false });
  const preview = (key: string, value: string) => ({ key, value, environmentId: null, preview: true });

  it('keeps one value per key: preview override > application > environment, whatever the order read', () => {
    const rows = [preview('A', 'preview'), env('A', 'env'), app('A', 'app'), env('B', 'env'), app('C', 'app'), env('C', 'env')];
    expect(effectiveVariables(rows).map((v) => [v.key, v.value])).toEqual([
      ['A', 'preview'],
      ['B', 'env'],
      ['C', 'app'],
    ]);
    expect(effectiveVariables([...rows].reverse()).map((v) => v.value)).toEqual(['preview', 'env', 'app']);
  });

  it('sorts by key, so build arguments and the environment come in a stable order', () => {
    expect(effectiveVariables([app('b', '1'), app('A', '2'), app('a', '3')]).map((v) => v.key)).toEqual(['a', 'A', 'b']);
  });
});
