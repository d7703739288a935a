import { Brand } from './icons';
import { ThemeToggle } from './theme-toggle';

interface AuthLayoutProps {
  title: string;
  description?: React.ReactNode;
  children: React.ReactNode;
  footer?: React.ReactNode;
}

/** The signed-out pages: one centred card under the brand, outside the app shell. */
export function AuthLayout({ title, description, children, footer }: AuthLayoutProps) {
  return (
    <div className="auth" data-testid="auth-layout">
      <title>{`${title} · Zpanel`}</title>
      <div className="auth__theme">
        <ThemeToggle />
      </div>
      <main className="auth__main">
        <Brand className="auth__brand" />
        <section className="auth__card">
          <header className="auth__header">
            <h1 data-testid="page-title">{title}</h1>
            {description && <p className="auth__description">{description}</p>}
          </header>
          {children}
        </section>
        {footer && <p className="auth__footer">{footer}</p>}
      </main>
    </div>
  );
}
