import { ErrorCode } from '@zpanel/contracts';
import { AppException, ERROR_STATUS } from './app-exception';

describe(AppException.name, () => {
  it('takes its HTTP status from the error code', () => {
    expect(new AppException(ErrorCode.NotFound).status).toBe(404);
    expect(new AppException(ErrorCode.WorkerUnavailable, 'no worker').status).toBe(503);
  });

  it('names every invalid field in a validation error', () => {
    const error = AppException.validation([
      { field: 'name', message: 'name must be a slug' },
      { field: 'port', message: 'port must be an integer' },
    ]);
    expect(error.status).toBe(400);
    expect(error.detail).toBe('Invalid field(s): name, port');
    expect(error.errors).toHaveLength(2);
  });

  it('maps every code to a 4xx or 5xx status', () => {
    for (const code of Object.values(ErrorCode)) expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
  });
});
