import type { Role } from '@zpanel/contracts';
import { useState } from 'react';
import { whyCannotRunCommands } from '../labels';
import { useRunCommand } from '../mutations';
import { CommandForm } from './command-form';
import { CommandHistory } from './command-history';
import { CommandRunView } from './command-run-view';
import '../command-runs.css';

interface CommandConsoleProps {
  teamId: string;
  serverId: string;
  serverName: string;
  role: Role;
}

/**
 * Run a command on the server and watch its output live; earlier runs below. Owners and admins only:
 * others see why, and nothing of the history (output may hold secrets).
 */
export function CommandConsole({ teamId, serverId, serverName, role }: CommandConsoleProps) {
  const refusal = whyCannotRunCommands(role);
  const run = useRunCommand(teamId, serverId);
  const [selected, setSelected] = useState<string>();
  const [page, setPage] = useState(1);

  return (
    <div className="command-console" aria-label={`Console of ${serverName}`} role="region">
      <section className="panel command-console__prompt">
        <CommandForm
          refusal={refusal}
          pending={run.isPending}
          error={run.error}
          onRun={(request, done) =>
            run.mutate(request, {
              onSuccess: (created) => {
                done();
                setPage(1);
                setSelected(created.id);
              },
            })
          }
        />
      </section>
      {!refusal && (
        <>
          {/* Keyed by run: another run starts from an empty view and its own live topic. */}
          {selected && <CommandRunView key={selected} teamId={teamId} serverId={serverId} runId={selected} />}
          <CommandHistory teamId={teamId} serverId={serverId} page={page} onPageChange={setPage} selectedId={selected} onSelect={setSelected} />
        </>
      )}
    </div>
  );
}
