"use client";

import { cn } from "@flowgate/ui";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ComponentType, SVGProps } from "react";
import { BellIcon } from "@/features/alerts/bell-icon";
import { KeyIcon } from "@/features/api-tokens/key-icon";
import { useUnreadAlertCount } from "@/features/alerts/unread-count";
import { badgeCount, usePendingApprovalCount } from "@/features/approvals/pending-count";
import { DashboardIcon } from "@/features/dashboard/dashboard-icon";
import { LineageIcon } from "@/features/lineage/lineage-icon";
import {
  ApprovalIcon,
  ConnectionIcon,
  FlowIcon,
  LogoMark,
  RunsIcon,
  SettingsIcon,
  TemplateIcon,
  UsersIcon,
} from "./icons";
import { isEditorPath } from "./page-frame";
import { UserMenu } from "./user-menu";
import { WorkspaceSwitcher } from "./workspace-switcher";

interface NavItem {
  href: string;
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  children?: { href: string; label: string; icon: ComponentType<SVGProps<SVGSVGElement>> }[];
}

const NAV: NavItem[] = [
  { href: "/dashboard", label: "Dashboard", icon: DashboardIcon },
  { href: "/flows", label: "Flows", icon: FlowIcon },
  { href: "/runs", label: "Runs", icon: RunsIcon },
  { href: "/lineage", label: "Lineage", icon: LineageIcon },
  { href: "/approvals", label: "Approvals", icon: ApprovalIcon },
  { href: "/alerts", label: "Alerts", icon: BellIcon },
  { href: "/templates", label: "Templates", icon: TemplateIcon },
  { href: "/connections", label: "Connections", icon: ConnectionIcon },
  {
    href: "/settings",
    label: "Settings",
    icon: SettingsIcon,
    children: [
      { href: "/settings/members", label: "Members", icon: UsersIcon },
      { href: "/settings/api-tokens", label: "API tokens", icon: KeyIcon },
    ],
  },
];

/** What a badge counts, for screen readers: "(3 waiting)", "(2 unread)". */
const BADGE_WORDS: Record<string, string> = { "/approvals": "waiting", "/alerts": "unread" };

function isActive(pathname: string, href: string) {
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function AppSidebar({ user }: { user: { name: string; email: string } }) {
  const pathname = usePathname();
  const waiting = usePendingApprovalCount();
  const unreadAlerts = useUnreadAlertCount();
  const badges: Record<string, number> = { "/approvals": waiting, "/alerts": unreadAlerts };
  // The editor needs the width for its canvas: the navigation shrinks to its icons there.
  if (isEditorPath(pathname)) return <SlimSidebar pathname={pathname} badges={badges} />;
  return (
    <aside className="sticky top-0 flex h-screen w-56 shrink-0 xl:w-60 flex-col border-r border-line bg-white">
      <div className="flex items-center gap-2.5 px-5 pt-5 pb-4">
        <LogoMark />
        <span className="text-base font-semibold tracking-tight text-slate-900">Flowgate</span>
      </div>
      <div className="px-3 pb-3">
        <WorkspaceSwitcher />
      </div>
      <nav aria-label="Main" className="flex-1 overflow-y-auto px-3 py-2">
        <ul className="space-y-0.5">
          {NAV.map((item) => {
            const active = isActive(pathname, item.href);
            return (
              <li key={item.href}>
                <NavLink
                  href={item.href}
                  label={item.label}
                  icon={item.icon}
                  active={active && !item.children?.some((c) => isActive(pathname, c.href))}
                  badge={badges[item.href]}
                />
                {item.children && active ? (
                  <ul className="mt-0.5 ml-4 space-y-0.5 border-l border-slate-200 pl-2">
                    {item.children.map((child) => (
                      <li key={child.href}>
                        <NavLink href={child.href} label={child.label} icon={child.icon} active={isActive(pathname, child.href)} small />
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="border-t border-line p-3">
        <UserMenu user={user} />
      </div>
    </aside>
  );
}

function SlimSidebar({ pathname, badges }: { pathname: string; badges: Record<string, number> }) {
  return (
    <aside className="sticky top-0 flex h-screen w-14 shrink-0 flex-col items-center border-r border-line bg-white py-3">
      <Link href="/flows" aria-label="Flowgate: all flows" className="mb-3 rounded-control p-1 focus-visible:outline-2 focus-visible:outline-accent-500">
        <LogoMark />
      </Link>
      <nav aria-label="Main">
        <ul className="space-y-1">
          {NAV.map(({ href, label, icon: Icon }) => {
            const active = isActive(pathname, href);
            const badge = badges[href] ?? 0;
            return (
              <li key={href}>
                <Link
                  href={href}
                  title={badge > 0 ? `${label} (${badge} ${BADGE_WORDS[href]})` : label}
                  aria-label={badge > 0 ? `${label} (${badge} ${BADGE_WORDS[href]})` : label}
                  aria-current={active ? "page" : undefined}
                  className={cn(
                    "relative flex size-10 items-center justify-center rounded-control transition-colors",
                    active ? "bg-accent-50 text-accent-600" : "text-slate-400 hover:bg-slate-100 hover:text-slate-700",
                  )}
                >
                  <Icon className="size-[18px]" />
                  {badge > 0 ? <span aria-hidden className="absolute top-1.5 right-1.5 size-2 rounded-full bg-accent-600 ring-2 ring-white" /> : null}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
    </aside>
  );
}

function NavLink({
  href,
  label,
  icon: Icon,
  active,
  small,
  badge = 0,
}: {
  href: string;
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  active: boolean;
  small?: boolean;
  /** A count beside the label, e.g. changes waiting for approval; hidden at 0. */
  badge?: number;
}) {
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={cn(
        "flex items-center gap-2.5 rounded-control px-2.5 font-medium transition-colors",
        small ? "py-1.5 text-[13px]" : "py-2 text-sm",
        active ? "bg-accent-50 text-accent-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900",
      )}
    >
      <Icon className={cn(small ? "size-4" : "size-[18px]", active ? "text-accent-600" : "text-slate-400")} />
      {label}
      {badge > 0 ? (
        <span className="ml-auto rounded-full bg-accent-600 px-1.5 py-px text-xs font-semibold text-white tabular-nums">
          <span aria-hidden>{badgeCount(badge)}</span>
          <span className="sr-only">{` (${badge.toLocaleString("en")} ${BADGE_WORDS[href]})`}</span>
        </span>
      ) : null}
    </Link>
  );
}
