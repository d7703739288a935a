import { PageHeader } from '../../../components/page-header';
import { ReadinessTable } from '../components/readiness-table';
import { RepeatingJobsTable } from '../components/repeating-jobs-table';
import { WorkerProbe } from '../components/worker-probe';
import { WorkersTable } from '../components/workers-table';

export function SystemPage() {
  return (
    <>
      <PageHeader title="System" description="Dependencies of the API and the workers consuming its queues." />
      <section className="section">
        <h2 className="section__title">Readiness</h2>
        <div className="panel">
          <ReadinessTable />
        </div>
      </section>
      <section className="section">
        <h2 className="section__title">Workers</h2>
        <div className="panel">
          <WorkersTable />
        </div>
      </section>
      <section className="section">
        <h2 className="section__title">Repeating jobs</h2>
        <p className="muted">Run by the workers on their own; overdue means not run for two of its periods (no worker, or its schedule lost).</p>
        <div className="panel">
          <RepeatingJobsTable />
        </div>
      </section>
      <section className="section">
        <h2 className="section__title">Worker probe</h2>
        <div className="panel panel--padded">
          <WorkerProbe />
        </div>
      </section>
    </>
  );
}
