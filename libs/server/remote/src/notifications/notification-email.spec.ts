import { notificationEmail } from './notification-email';
import { aNotificationWebhookBody } from './fake-notification-senders';

describe('notificationEmail', () => {
  it('has the title as subject, a text body and an HTML body with the link', () => {
    const email = notificationEmail(aNotificationWebhookBody(), ['ops@example.com']);
    expect(email.to).toEqual(['ops@example.com']);
    expect(email.subject).toBe('Deployment of shop failed');
    expect(email.text).toContain('The health check did not pass after 3 tries (HTTP 502 on /health).');
    expect(email.text).toContain('Where: Acme / Shop / production');
    expect(email.text).toContain('Open: https://zpanel.example.com/projects/p1/applications/a1/deployments/d1');
    expect(email.html).toContain('<a href="https://zpanel.example.com/projects/p1/applications/a1/deployments/d1">Open in Zpanel</a>');
  });

  it('escapes every user text in the HTML and keeps the subject on one line', () => {
    const hostile = '<script>alert(1)</script><a href="https://evil.example">x</a> & "q"\r\nBcc: victim@example.com';
    const email = notificationEmail(
      aNotificationWebhookBody({ title: hostile, message: hostile, team: { id: 't', name: hostile }, url: 'javascript:alert(1)' }),
      ['ops@example.com'],
    );
    expect(email.subject).not.toMatch(/[\r\n]/);
    const tags = email.html!.match(/<[^>]*>/g) ?? [];
    expect(tags.filter((tag) => !/^<\/?(html|body|h2|p|br)\b[^>]*>$|^<!doctype html>$/.test(tag))).toEqual([]);
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.text).not.toContain('javascript:');
  });
});
