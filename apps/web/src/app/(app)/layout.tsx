import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppSidebar } from "@/components/app-sidebar";
import { getSession } from "@/lib/session";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (!session) redirect("/sign-in");
  return (
    <div className="flex min-h-screen">
      <AppSidebar user={{ name: session.user.name, email: session.user.email }} />
      <main className="min-w-0 flex-1">
        <div className="mx-auto max-w-6xl px-6 py-8 xl:px-10 xl:py-10">{children}</div>
      </main>
    </div>
  );
}
