import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The C server embeds dist/ and serves it from '/'; the dev server proxies the API.
export default defineConfig({
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
})
