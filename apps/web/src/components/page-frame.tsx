"use client";

import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/** Pages sit in a centred column; the flow editor takes the whole area beside the sidebar. */
export function PageFrame({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  if (/^\/flows\/[^/]+/.test(pathname)) return <div className="h-screen overflow-hidden">{children}</div>;
  return <div className="mx-auto max-w-6xl px-6 py-8 xl:px-10 xl:py-10">{children}</div>;
}
