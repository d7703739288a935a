import { SshConnection } from './ssh-connection';
import { type PooledTarget, SshPool } from './ssh-pool';

const target: PooledTarget = { id: 'server-1', host: 'server.test', port: 22, username: 'zpanel', privateKey: 'key' };

/** A connection that only records being closed. */
function fakeConnection() {
  const connection = { isClosed: false, close: jest.fn(), onClose: jest.fn() };
  connection.close.mockImplementation(() => (connection.isClosed = true));
  return connection;
}

describe('SshPool once closed', () => {
  afterEach(() => jest.restoreAllMocks());

  it('opens no connection: a call after close() rejects without resolving or connecting', async () => {
    const resolveAddress = jest.fn(async (host: string) => host);
    const connect = jest.spyOn(SshConnection, 'connect');
    const pool = new SshPool({ resolveAddress });
    pool.close();

    await expect(pool.connection(target)).rejects.toThrow('the SSH pool is closed');
    await expect(pool.exec(target, ['true'])).rejects.toThrow('the SSH pool is closed');
    expect(resolveAddress).not.toHaveBeenCalled();
    expect(connect).not.toHaveBeenCalled();
  });

  it('closes a connection that was being opened when the pool closed, and rejects its callers', async () => {
    let resolveAddress: (address: string) => void = () => undefined;
    const pool = new SshPool({ resolveAddress: () => new Promise((resolve) => (resolveAddress = resolve)) });
    const opened = fakeConnection();
    jest.spyOn(SshConnection, 'connect').mockResolvedValue(opened as unknown as SshConnection);

    const pending = pool.connection(target);
    pool.close();
    resolveAddress('10.0.0.1');

    await expect(pending).rejects.toThrow('the SSH pool is closed');
    expect(opened.close).toHaveBeenCalled();
    expect(pool.stats()).toMatchObject({ connects: 0, open: 0 });
  });

  it('connects as before while open (the fake connection is the one returned)', async () => {
    const pool = new SshPool({ resolveAddress: async () => '10.0.0.1' });
    const opened = fakeConnection();
    jest.spyOn(SshConnection, 'connect').mockResolvedValue(opened as unknown as SshConnection);

    expect(await pool.connection(target)).toBe(opened);
    pool.close();
    expect(opened.close).toHaveBeenCalled();
  });
});
