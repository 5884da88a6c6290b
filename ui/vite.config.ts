import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The app is served by Tauri from the bundled dist/; nothing is fetched at run time.
export default defineConfig({
  plugins: [vue()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: 'safari15',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
    sourcemap: false,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    // Mounting Element Plus tables takes ~2 s here and several times that on a loaded CI
    // machine; a test still fails on a wrong answer, only not on a slow one.
    testTimeout: 30000,
  },
})
