import { Ability, ROLE_ABILITIES } from '@zpanel/contracts';
import { useState } from 'react';
import { ErrorState } from '../../../components/error-state';
import { PlusIcon } from '../../../components/icons';
import { PageHeader } from '../../../components/page-header';
import { usePageParam } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { ApiTokenList } from '../components/api-token-list';
import { CreateTokenDialog } from '../components/create-token-dialog';
import '../api-tokens.css';

export function ApiTokensPage() {
  const { me, current } = useCurrentTeam();
  const [page, setPage] = usePageParam();
  const [creating, setCreating] = useState(false);
  const isAdmin = current ? ROLE_ABILITIES[current.role].includes(Ability.Admin) : false;

  return (
    <>
      <PageHeader
        title="API tokens"
        description={
          current
            ? `Let scripts and CI call the Zpanel API in ${current.teamName}. A token can never do more than your role allows. ${
                isAdmin ? 'As an admin you see every token of the team.' : 'You see the tokens you created.'
              }`
            : 'Let scripts and CI call the Zpanel API.'
        }
        actions={
          current && (
            <button type="button" className="button api-tokens__create" onClick={() => setCreating(true)}>
              <PlusIcon />
              Create token
            </button>
          )
        }
      />
      <section className="panel api-tokens" aria-label="API tokens">
        {me.isPending && <Skeleton lines={3} />}
        {me.isError && <ErrorState error={me.error} />}
        {me.isSuccess && !current && <div className="empty-state">Join or create a team to create API tokens for it.</div>}
        {current && <ApiTokenList teamId={current.teamId} page={page} onPageChange={setPage} />}
      </section>
      {creating && current && <CreateTokenDialog teamId={current.teamId} role={current.role} onClose={() => setCreating(false)} />}
    </>
  );
}
