import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));

// Two pages, served by slotd: index.html (the booking and manage pages, from / and /book/…)
// and console.html (the staff console, from /console and /console/…). Assets go under
// /assets/ with hashed names. `npx vite` (dev) forwards the API to a local slotd on
// 127.0.0.1:18480.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    rollupOptions: {
      input: {
        index: here('./index.html'),
        console: here('./console.html'),
      },
    },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:18480' } },
});
