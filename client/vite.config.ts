import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The API refuses cross-origin mutations (it compares Origin with Host), so the dev proxy must keep the
// browser's Host header: no changeOrigin.
const backend = 'http://localhost:3000';

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/trpc': { target: backend },
      '/api': { target: backend },
      // A regex, so /favicon.svg and the client's own files stay with Vite.
      '^/f/': { target: backend },
      '/healthz': { target: backend },
    },
  },
});
