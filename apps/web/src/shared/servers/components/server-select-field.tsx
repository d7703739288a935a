import type { ServerDto } from '@zpanel/contracts';
import { SelectField } from '../../../components/select-field';

type ServerSelectFieldProps = Omit<React.ComponentProps<typeof SelectField>, 'label' | 'children'> & {
  servers: readonly Pick<ServerDto, 'id' | 'name' | 'host'>[];
};

/** "Server", one of the team's, by name and address; nothing is chosen until the user picks. */
export function ServerSelectField({ servers, ...select }: ServerSelectFieldProps) {
  return (
    <SelectField label="Server" required {...select}>
      <option value="">Choose a server…</option>
      {servers.map((server) => (
        <option key={server.id} value={server.id}>
          {server.name} ({server.host})
        </option>
      ))}
    </SelectField>
  );
}
