import { PageHeader } from '../../../components/page-header';
import { InstanceBackups } from '../components/instance-backups';
import { InstanceSettings } from '../components/instance-settings';
import { ReadinessTable } from '../components/readiness-table';
import { RepeatingJobsTable } from '../components/repeating-jobs-table';
import { WorkerProbe } from '../components/worker-probe';
import { WorkersTable } from '../components/workers-table';

interface SectionProps {
  title: string;
  note?: string;
  padded?: boolean;
  children: React.ReactNode;
}

function Section({ title, note, padded, children }: SectionProps) {
  return (
    <section className="section">
      <h2 className="section__title">{title}</h2>
      {note && <p className="muted">{note}</p>}
      <div className={padded ? 'panel panel--padded' : 'panel'}>{children}</div>
    </section>
  );
}

export function SystemPage() {
  return (
    <>
      <PageHeader title="System" description="Dependencies of the API and the workers consuming its queues." />
      <Section title="Readiness">
        <ReadinessTable />
      </Section>
      <Section title="Workers">
        <WorkersTable />
      </Section>
      <Section
        title="Repeating jobs"
        note="Run by the workers on their own; overdue means not run for two of its periods (no worker, or its schedule lost)."
      >
        <RepeatingJobsTable />
      </Section>
      <Section title="Worker probe" padded>
        <WorkerProbe />
      </Section>
      <section className="section" aria-label="Instance backups">
        <h2 className="section__title">Instance backups</h2>
        <p className="muted">
          Zpanel&apos;s own database, encrypted to one of your destinations. Keep the instance key (ZPANEL_SECRET_KEY) apart: a restore on a fresh
          install needs it (README).
        </p>
        <InstanceBackups />
      </section>
      <InstanceSettings />
    </>
  );
}
