import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const fromHere = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const api = 'http://127.0.0.1:3000';

/**
 * sonner (the toasts) writes its stylesheet into an inline <style> when it loads, which the API's
 * Content-Security-Policy (`style-src 'self'`) refuses: the call is taken out of its module and the
 * app imports the same rules from `sonner/dist/styles.css` (app/app.tsx), bundled with its own CSS.
 */
const sonnerWithoutInlineStyle: Plugin = {
  name: 'zpanel-sonner-without-inline-style',
  transform(code, id) {
    if (!/[\\/]sonner[\\/]dist[\\/]index\.mjs(\?.*)?$/.test(id)) return null;
    return code.replace(/__insertCSS\("(?:[^"\\]|\\.)*"\);?/, '');
  },
};

// Nx runs every target from the workspace root, so all paths are anchored to this file.
export default defineConfig({
  root: fromHere('.'),
  cacheDir: fromHere('../../node_modules/.vite/apps/web'),
  plugins: [react(), sonnerWithoutInlineStyle],
  // Served as it is in development too, so the plugin above applies (pre-bundled dependencies skip plugins).
  optimizeDeps: { exclude: ['sonner'] },
  resolve: {
    alias: { '@zpanel/contracts': fromHere('../../libs/shared/contracts/src/index.ts') },
  },
  server: {
    host: '127.0.0.1',
    port: 4200,
    proxy: {
      '/api': api,
      '/socket.io': { target: api, ws: true },
    },
  },
  preview: { host: '127.0.0.1', port: 4173 },
  build: {
    outDir: fromHere('../../dist/apps/web'),
    emptyOutDir: true,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    // Stops a hung spec; 5 s (the default) was too short for render-heavy specs on a loaded 2-core machine.
    testTimeout: 20_000,
    unstubGlobals: true,
  },
});
