import type { ReactNode } from "react";
import { LogoMark } from "@/components/icons";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="mb-8 flex items-center gap-2.5">
        <LogoMark className="size-9" />
        <span className="text-xl font-semibold tracking-tight text-slate-900">Flowgate</span>
      </div>
      <div className="w-full max-w-sm">{children}</div>
      <p className="mt-10 max-w-sm text-center text-xs leading-5 text-slate-500">
        Keep your systems in sync — products, prices and stock — with approvals where they matter.
      </p>
    </div>
  );
}
