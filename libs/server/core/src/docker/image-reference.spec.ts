import { imageReference } from '../applications/application-fields';
import { injectionPayloads } from '../shell/injection-payloads';
import { imageReferenceTag, imageReferenceWithTag } from './image-reference';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe(imageReferenceWithTag.name, () => {
  it.each([
    ['ghcr.io/acme/web:latest', 'v1.4.2', 'ghcr.io/acme/web:v1.4.2'],
    ['ghcr.io/acme/web', 'v1.4.2', 'ghcr.io/acme/web:v1.4.2'],
    ['nginx', '1.27', 'nginx:1.27'],
    ['nginx:1.25', '1.27-alpine', 'nginx:1.27-alpine'],
    ['zpanel-test/busybox:latest', 'ci_7', 'zpanel-test/busybox:ci_7'],
  ])('puts the tag in place of the reference’s own: %s + %s -> %s', (reference, tag, expected) => {
    expect(imageReferenceWithTag(reference, tag)).toBe(expected);
  });

  it('replaces a digest, with or without a tag before it', () => {
    expect(imageReferenceWithTag(`ghcr.io/acme/web@${DIGEST}`, 'v2')).toBe('ghcr.io/acme/web:v2');
    expect(imageReferenceWithTag(`ghcr.io/acme/web:v1@${DIGEST}`, 'v2')).toBe('ghcr.io/acme/web:v2');
  });

  it('keeps a registry port as part of the repository', () => {
    expect(imageReferenceWithTag('localhost:5000/app:1', 'v2')).toBe('localhost:5000/app:v2');
    expect(imageReferenceWithTag('localhost:5000/app', 'v2')).toBe('localhost:5000/app:v2');
    expect(imageReferenceWithTag(`registry.example.com:443/team/app@${DIGEST}`, 'v2')).toBe('registry.example.com:443/team/app:v2');
    expect(imageReferenceWithTag('[::1]:5000/app:1', 'v2')).toBe('[::1]:5000/app:v2');
  });

  it('accepts the whole Docker tag grammar: up to 128 characters, _ first allowed', () => {
    const longest = `_${'a.b-c'.repeat(25)}xy`;
    expect(longest).toHaveLength(128);
    expect(imageReferenceWithTag('app', longest)).toBe(`app:${longest}`);
  });

  it('refuses tags outside the grammar', () => {
    for (const tag of ['', '.v1', '-v1', 'v1:2', 'v1/2', 'v1@sha256', 'v 1', 'x'.repeat(129), 'é']) {
      expect(() => imageReferenceWithTag('nginx:1.27', tag)).toThrow(/^the image tag must be an image tag/);
    }
  });

  it('refuses every injection payload as a tag, NUL bytes and non-UTF-8 included, and never returns it', () => {
    const payloads = [...injectionPayloads('/tmp/pwned'), 'v1\0', 'v1\nFROM evil', '\u00ff\u00fe', 'a\uFFFDb', 'x'.repeat(10 * 1024 * 1024)];
    for (const payload of payloads) {
      expect(() => imageReferenceWithTag('ghcr.io/acme/web:latest', payload)).toThrow(/image tag/);
    }
  });

  it('refuses a reference that is not one (it is checked again before use)', () => {
    for (const reference of ['', 'Nginx', '-nginx', 'nginx:latest extra', 'nginx\nRUN touch /tmp/pwned', ...injectionPayloads('/tmp/pwned')]) {
      expect(() => imageReferenceWithTag(reference, 'v1')).toThrow(/^the image reference must be/);
    }
  });

  it('refuses a result longer than a reference may be, and whatever it returns is a valid reference', () => {
    const long = `registry.example.com/${'a'.repeat(200)}:1`;
    expect(() => imageReferenceWithTag(long, 'x'.repeat(100))).toThrow(/longer than an image reference may be/);
    expect(imageReference(imageReferenceWithTag(long, 'v1'))).toBeNull();
  });
});

describe(imageReferenceTag.name, () => {
  it.each([
    ['postgres:17', '17'],
    ['postgres:17.2-alpine', '17.2-alpine'],
    ['zpanel-test/mariadb:10.11', '10.11'],
    ['localhost:5000/redis:7', '7'],
    ['localhost:5000/redis', 'latest'],
    ['redis', 'latest'],
    [`redis:7@${DIGEST}`, '7'],
    [`redis@${DIGEST}`, null],
  ])('reads the tag of %s as %s', (reference, tag) => {
    expect(imageReferenceTag(reference)).toBe(tag);
  });

  it('answers null for anything that is not an image reference', () => {
    for (const payload of [...injectionPayloads('/tmp/pwned'), 'x'.repeat(10 * 1024 * 1024)])
      if (imageReference(payload)) expect(imageReferenceTag(payload)).toBeNull();
  });
});
