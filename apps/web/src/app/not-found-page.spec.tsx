import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { aMe, aSystemStatus, readyReadiness } from '../test/fixtures';
import { jsonResponse, mockApi } from '../test/mock-api';
import { renderApp } from '../test/render-app';
import { NotFoundPage } from './not-found-page';

vi.mock('../lib/socket', () => import('../test/fake-socket'));

const ME = '/api/v1/me';

describe(NotFoundPage.name, () => {
  it('renders inside the shell for an unknown route and names the path', async () => {
    mockApi({ [ME]: () => jsonResponse(aMe()), '/api/ready': () => jsonResponse(readyReadiness) });

    renderApp('/apps/does-not-exist');

    expect(screen.getByTestId('app-shell')).toBeTruthy();
    expect(screen.getByTestId('page-title').textContent).toBe('Page not found');
    expect(screen.getByText('/apps/does-not-exist')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('api-status').textContent).toBe('API ready'));
  });

  it('leads back to the Overview', async () => {
    mockApi({
      [ME]: () => jsonResponse(aMe()),
      '/api/ready': () => jsonResponse(readyReadiness),
      '/api/v1/system/status': () => jsonResponse(aSystemStatus()),
    });
    const { router } = renderApp('/nowhere');

    fireEvent.click(screen.getByRole('link', { name: 'Back to Overview' }));

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Overview'));
    expect(router.state.location.pathname).toBe('/');
  });
});
