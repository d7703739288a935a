import { imageReference, imageTag } from '../applications/application-fields';

/**
 * The image reference with its tag, or its digest, replaced by `tag`: what a deployment asked for
 * with an image tag (`ghcr.io/acme/web:latest` + `v1.4.2` -> `ghcr.io/acme/web:v1.4.2`). A registry
 * port is part of the repository, never a tag (`localhost:5000/app:1` -> `localhost:5000/app:v2`).
 * Both parts are checked against their allowlists, and so is the result (it can outgrow a reference),
 * so whatever comes back is safe wherever a reference is: the worker calls this again before use.
 */
export function imageReferenceWithTag(reference: string, tag: string): string {
  const referenceProblem = imageReference(reference);
  if (referenceProblem) throw new Error(`the image reference ${referenceProblem}`);
  const tagProblem = imageTag(tag);
  if (tagProblem) throw new Error(`the image tag ${tagProblem}`);
  const withoutDigest = reference.split('@')[0];
  // A tag's colon comes after the last slash; one before it separates a registry's host from its port.
  const tagColon = withoutDigest.indexOf(':', withoutDigest.lastIndexOf('/') + 1);
  const repository = tagColon === -1 ? withoutDigest : withoutDigest.slice(0, tagColon);
  const tagged = `${repository}:${tag}`;
  if (imageReference(tagged)) throw new Error(`the image reference with this tag would be longer than an image reference may be (255 characters)`);
  return tagged;
}

/**
 * The tag of an image reference (`postgres:17.2` -> `17.2`, `ghcr.io:443/x/pg:16` -> `16`), `latest`
 * when it names none, null when it is pinned by digest only or fails the reference allowlist.
 */
export function imageReferenceTag(reference: string): string | null {
  if (imageReference(reference)) return null;
  const [withoutDigest, digest] = reference.split('@');
  const tagColon = withoutDigest.indexOf(':', withoutDigest.lastIndexOf('/') + 1);
  if (tagColon === -1) return digest === undefined ? 'latest' : null;
  return withoutDigest.slice(tagColon + 1);
}
