import type { ReactNode } from "react";
import { AuthShell } from "@/components/auth-shell";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <AuthShell>
      <div className="w-full max-w-sm">{children}</div>
      <p className="mt-10 max-w-sm text-center text-xs leading-5 text-slate-500">
        Keep your systems in sync — products, prices and stock — with approvals where they matter.
      </p>
    </AuthShell>
  );
}
