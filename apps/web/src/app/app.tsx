import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { RouterProvider, type RouterProviderProps } from 'react-router';
import { Toaster } from 'sonner';
// sonner's rules as a stylesheet of the bundle, not the inline <style> the CSP refuses (vite.config.mts).
import 'sonner/dist/styles.css';
import { useThemeStore } from '../lib/theme-store';

interface AppProps {
  router: RouterProviderProps['router'];
  queryClient: QueryClient;
}

export function App({ router, queryClient }: AppProps) {
  const theme = useThemeStore((state) => state.theme);
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      {/* Toasts (a live notification, docs/notifications.md), once for the whole app. */}
      <Toaster theme={theme} richColors closeButton position="bottom-right" />
    </QueryClientProvider>
  );
}
