import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@shared': fileURLToPath(new URL('../shared/ts', import.meta.url)) },
  },
  build: {
    // The Go server embeds this folder (server/internal/web).
    outDir: fileURLToPath(new URL('../server/internal/web/dist', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false, ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // The stylesheet's own test reads it (`styles.css?raw`); other CSS stays out of the unit tests.
    css: { include: [/styles\.css/] },
  },
});
