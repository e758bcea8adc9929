"use client";

import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/** The flow editor's pages: they take the whole area, beside a slim sidebar. */
export function isEditorPath(pathname: string): boolean {
  return /^\/flows\/[^/]+/.test(pathname);
}

/** Pages sit in a centred column; the flow editor takes the whole area beside the sidebar. */
export function PageFrame({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  if (isEditorPath(pathname)) return <div className="h-screen overflow-hidden">{children}</div>;
  return <div className="mx-auto max-w-6xl px-6 py-8 xl:px-10 xl:py-10">{children}</div>;
}
