import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'

// The citizens' page (public.html, served at /public/) is built on its own (`vite build --mode
// public`, after the console's build, into the same dist/): it shares no chunk with the console,
// so it loads only the few Element Plus components it uses.
const publicPage = {
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: false,
    rollupOptions: { input: fileURLToPath(new URL('./public.html', import.meta.url)) }
  }
}

// The C server embeds dist/ and serves it from '/'; the dev server proxies the API.
const consolePage = {
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined
          if (id.includes('echarts') || id.includes('zrender')) return 'echarts'
          if (id.includes('element-plus') || id.includes('@element-plus')) return 'element-plus'
          if (id.includes('vue') || id.includes('@vue')) return 'vue'
          return 'vendor'
        }
      }
    }
  },
  server: {
    proxy: { '/api': process.env.SIXIA_API || 'http://127.0.0.1:8080' }
  }
}

export default defineConfig(({ mode }) => (mode === 'public' ? publicPage : consolePage))
