import { ReasonError, reasonOf } from './reason-error';

describe(reasonOf.name, () => {
  const fallback = { code: 'deployment.internal', reason: 'Zpanel could not run the deployment.' } as const;

  it('shows the reason and code of a ReasonError, a subclass included', () => {
    class PathError extends ReasonError {}
    expect(reasonOf(new ReasonError('health_check.failed', 'Health check failed.'), fallback)).toEqual({
      code: 'health_check.failed',
      reason: 'Health check failed.',
    });
    expect(reasonOf(new PathError('checkout.path_outside', 'The base directory x leads outside the repository.'), fallback)).toEqual({
      code: 'checkout.path_outside',
      reason: 'The base directory x leads outside the repository.',
    });
  });

  it('never shows the message of any other error, whatever words it starts with', () => {
    for (const error of [
      new Error('The secret key in /etc/zpanel/key is wrong'),
      new TypeError('The value is undefined'),
      'The string',
      { code: 'git.host_key_changed', reason: 'forged' },
      undefined,
    ]) {
      expect(reasonOf(error, fallback)).toBe(fallback);
    }
  });
});
