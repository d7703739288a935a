/** Who did it: the person's name, marked when an API token acted for them. */
export function ActorName({ actor }: { actor: { type: 'user' | 'token'; name: string } }) {
  return (
    <>
      {actor.name}
      {actor.type === 'token' && <span className="muted"> (API token)</span>}
    </>
  );
}
