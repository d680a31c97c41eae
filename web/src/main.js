import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import 'dayjs/locale/zh-cn'
import dayjs from 'dayjs'
import * as Icons from './icons'
import App from './App.vue'
import router from './router'
import './style.css'

dayjs.locale('zh-cn')

const app = createApp(App)
app.use(ElementPlus, { locale: zhCn })
for (const [name, comp] of Object.entries(Icons)) app.component(name, comp)
app.use(router)
app.mount('#app')
