import { fileURLToPath } from 'node:url';
import optimizeLocales from '@react-aria/optimize-locales-plugin';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The API refuses cross-origin mutations (it compares Origin with Host), so the dev proxy must keep the
// browser's Host header: no changeOrigin.
const backend = 'http://localhost:3000';

export default defineConfig({
  root,
  // react-aria ships its strings (date segment names, validation) for 30+ locales; keep only the app's two (English
  // as en-GB falls back to react-aria's en-US strings).
  plugins: [optimizeLocales.vite({ locales: ['it-IT', 'en-US'] }), react()],
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
