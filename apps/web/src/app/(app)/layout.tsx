import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppSidebar } from "@/components/app-sidebar";
import { PageFrame } from "@/components/page-frame";
import { getSession } from "@/lib/session";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (!session) redirect("/sign-in");
  return (
    <div className="flex min-h-screen">
      <AppSidebar user={{ name: session.user.name, email: session.user.email }} />
      <main className="min-w-0 flex-1">
        <PageFrame>{children}</PageFrame>
      </main>
    </div>
  );
}
