import { createTransport } from 'nodemailer';
import { TestSmtpServer, firstLink } from './smtp-server';

describe(TestSmtpServer.name, () => {
  let server: TestSmtpServer;
  afterEach(() => server?.stop());

  const transport = (auth?: { user: string; pass: string }) =>
    createTransport({ host: '127.0.0.1', port: server.port, secure: false, ignoreTLS: true, auth });

  it('receives a message sent by nodemailer and decodes a long link and a non-ASCII subject', async () => {
    server = await TestSmtpServer.start();
    const link = `https://zpanel.example.com/reset-password#token=zpp_${'a'.repeat(80)}`;
    await transport().sendMail({ from: 'zpanel@example.com', to: 'Ada@Example.com', subject: 'Zpanel: équipe ✓', text: `Open:\n${link}\n` });

    const mail = await server.waitForMail('ada@example.com');
    expect(mail.from).toBe('zpanel@example.com');
    expect(mail.subject).toBe('Zpanel: équipe ✓');
    expect(firstLink(mail.text)).toBe(link);
    expect(mail.username).toBeNull();
  });

  it('requires the configured credentials and refuses others', async () => {
    server = await TestSmtpServer.start({ username: 'zp', password: 's3cret pass' });
    await expect(transport({ user: 'zp', pass: 'wrong' }).sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'x' })).rejects.toThrow(
      /535|Invalid/,
    );
    await transport({ user: 'zp', pass: 's3cret pass' }).sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 's', text: 'x' });
    expect((await server.waitForMail('b@example.com')).username).toBe('zp');
  });

  it('answers 451 to the next messages when told to fail', async () => {
    server = (await TestSmtpServer.start()).failNext(1);
    await expect(transport().sendMail({ from: 'a@example.com', to: 'c@example.com', text: 'x' })).rejects.toThrow(/451/);
    await transport().sendMail({ from: 'a@example.com', to: 'c@example.com', subject: 'second', text: 'x' });
    expect(server.to('c@example.com').map((mail) => mail.subject)).toEqual(['second']);
  });
});
