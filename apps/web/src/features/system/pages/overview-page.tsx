import { PageHeader } from '../../../components/page-header';
import { InstanceCard } from '../components/instance-card';
import { ReadinessCards } from '../components/readiness-cards';
import { WorkersCard } from '../components/workers-card';

export function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" description="Health of this Zpanel instance at a glance." />
      <div className="grid">
        <ReadinessCards />
        <InstanceCard />
        <WorkersCard />
      </div>
    </>
  );
}
