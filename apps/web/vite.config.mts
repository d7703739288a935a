import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const fromHere = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const api = 'http://127.0.0.1:3000';

// Nx runs every target from the workspace root, so all paths are anchored to this file.
export default defineConfig({
  root: fromHere('.'),
  cacheDir: fromHere('../../node_modules/.vite/apps/web'),
  plugins: [react()],
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
