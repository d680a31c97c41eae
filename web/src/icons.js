// Only the icons the console uses, registered globally by name.
export {
  HomeFilled, Grid, Setting, Location, OfficeBuilding, User, UserFilled, Collection, Avatar,
  Key, Lock, Document, Tickets, Fold, Expand, Search, Refresh, Plus, Edit, Delete, Download,
  SwitchButton, ArrowDown, CopyDocument, Unlock, CircleCheck, CircleClose, DataAnalysis, Warning,
  Postcard, Management, Calendar, Reading, Timer, ChatLineSquare, EditPen
} from '@element-plus/icons-vue'
