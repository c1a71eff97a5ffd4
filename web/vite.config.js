import { defineConfig } from 'vite';

// The built page is served by slotd from / (assets under /assets/, hashed names).
// `npx vite` (dev) forwards the API to a local slotd on 127.0.0.1:18480.
export default defineConfig({
  base: '/',
  build: { outDir: 'dist', assetsDir: 'assets' },
  server: { proxy: { '/v1': 'http://127.0.0.1:18480' } },
});
