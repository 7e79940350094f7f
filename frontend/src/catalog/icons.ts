/** Icon names from the node-type registry mapped onto lucide icons, with a category fallback for names we do not know. */

import {
  Activity, Archive, ArrowLeftRight, BellRing, Bell, BookOpen, Bot, Box, Braces, Bug, Calendar, CalendarClock, CircleCheck,
  CircleDot, CircleX, ClipboardCheck, ClipboardList, Clock, Cloud, Code, Cpu, Database, Download, Eye, FileText, Filter,
  Flame, FilePen, GitBranch, GitFork, GitMerge, Globe, Hammer, Hash, HardDrive, HeartPulse, Hourglass, Key, Layers, LifeBuoy, Link,
  List, Mail, Megaphone, MessageCircleReply, MessageSquare, MessageSquarePlus, MessagesSquare, Monitor, Network, NotebookPen, Pause, Phone, Play,
  RadioTower, Radar, RefreshCw, Repeat, Rocket, RotateCcw, ScrollText, Search, Send, Server, Settings, Shield, Shuffle,
  Sigma, Siren, Split, SquareTerminal, Terminal, Ticket, Timer, ToggleRight, Trash2, TriangleAlert, Undo2, Upload, User,
  UserCheck, Users, Variable, Webhook, Workflow, Wrench, Zap, Gauge,
  type LucideIcon,
} from "lucide-react";
import { categoryInfo } from "./categories";

const ICONS: Record<string, LucideIcon> = {
  activity: Activity, archive: Archive, "arrow-left-right": ArrowLeftRight, "bell-ring": BellRing, bell: Bell,
  "book-open": BookOpen, book: BookOpen, bot: Bot, box: Box, braces: Braces, json: Braces, bug: Bug, calendar: Calendar,
  "calendar-clock": CalendarClock, schedule: CalendarClock, cron: CalendarClock, "circle-check": CircleCheck, check: CircleCheck,
  "circle-dot": CircleDot, "circle-x": CircleX, x: CircleX, "clipboard-check": ClipboardCheck, "clipboard-list": ClipboardList,
  clock: Clock, delay: Hourglass, cloud: Cloud, code: Code, script: Code, cpu: Cpu, database: Database, download: Download,
  eye: Eye, "file-text": FileText, "file-pen": FilePen, "file-edit": FilePen, file: FileText, filter: Filter, flame: Flame, fire: Flame, "git-branch": GitBranch,
  branch: GitBranch, condition: GitBranch, "git-fork": GitFork, "git-merge": GitMerge, merge: GitMerge, globe: Globe, http: Globe,
  hammer: Hammer, hash: Hash, channel: Hash, "hard-drive": HardDrive, disk: HardDrive, "heart-pulse": HeartPulse,
  health: HeartPulse, hourglass: Hourglass, wait: Hourglass, key: Key, layers: Layers, "life-buoy": LifeBuoy, link: Link,
  list: List, mail: Mail, email: Mail, megaphone: Megaphone, broadcast: Megaphone, "message-circle-reply": MessageCircleReply,
  "message-square": MessageSquare, "message-square-plus": MessageSquarePlus, message: MessageSquare, chat: MessageSquare, "messages-square": MessagesSquare,
  monitor: Monitor, network: Network, "notebook-pen": NotebookPen, postmortem: NotebookPen, pause: Pause, phone: Phone,
  play: Play, "radio-tower": RadioTower, radar: Radar, "refresh-cw": RefreshCw, refresh: RefreshCw, repeat: Repeat, loop: Repeat,
  rocket: Rocket, deploy: Rocket, "rotate-ccw": RotateCcw, rollback: RotateCcw, "scroll-text": ScrollText, log: ScrollText,
  search: Search, send: Send, server: Server, settings: Settings, cog: Settings, shield: Shield, shuffle: Shuffle,
  sigma: Sigma, siren: Siren, incident: Siren, split: Split, switch: Split, "square-terminal": SquareTerminal,
  terminal: Terminal, ansible: Terminal, runbook: Terminal, ticket: Ticket, timer: Timer, "toggle-right": ToggleRight,
  "trash-2": Trash2, trash: Trash2, "triangle-alert": TriangleAlert, "alert-triangle": TriangleAlert, alert: TriangleAlert,
  warning: TriangleAlert, "undo-2": Undo2, upload: Upload, user: User, "user-check": UserCheck, users: Users, team: Users,
  variable: Variable, webhook: Webhook, workflow: Workflow, wrench: Wrench, tool: Wrench, zap: Zap, trigger: Zap,
  gauge: Gauge, metric: Gauge,
};

/** The icon for a registry icon name; unknown names fall back to the category's icon, then a box. */
export function iconFor(name: string | undefined, category = ""): LucideIcon {
  const key = (name ?? "").trim().toLowerCase().replace(/_/g, "-");
  return ICONS[key] ?? ICONS[key.replace(/-(\d+|outline|alt)$/, "")] ?? ICONS[categoryInfo(category).icon] ?? Box;
}
