import type { ReactNode } from "react";
import { LogoMark } from "./icons";

/** The bare, centred frame of the pages outside the app: the Flowgate logo above the content. */
export function AuthShell({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="mb-8 flex items-center gap-2.5">
        <LogoMark className="size-9" />
        <span className="text-xl font-semibold tracking-tight text-slate-900">Flowgate</span>
      </div>
      {children}
    </div>
  );
}
