// The citizens' page (/public/): submit a petition, look up its progress, see reception days.
// Only the Element Plus components used here are bundled (no full import).
import { createApp } from 'vue'
// Per-component entry points: only these components (and their styles) are bundled. Lists use
// the browser's own <select>, which phones show as their native picker.
import { ElButton } from 'element-plus/es/components/button/index.mjs'
import { ElConfigProvider } from 'element-plus/es/components/config-provider/index.mjs'
import { ElForm, ElFormItem } from 'element-plus/es/components/form/index.mjs'
import { ElInput } from 'element-plus/es/components/input/index.mjs'
import { ElRadio, ElRadioGroup } from 'element-plus/es/components/radio/index.mjs'
import 'element-plus/es/components/button/style/css'
import 'element-plus/es/components/config-provider/style/css'
import 'element-plus/es/components/form/style/css'
import 'element-plus/es/components/form-item/style/css'
import 'element-plus/es/components/input/style/css'
import 'element-plus/es/components/radio/style/css'
import 'element-plus/es/components/radio-group/style/css'
import App from './App.vue'
import './public.css'

const app = createApp(App)
for (const c of [ElButton, ElConfigProvider, ElForm, ElFormItem, ElInput, ElRadio, ElRadioGroup]) {
  app.component(c.name, c)
}
app.mount('#app')
