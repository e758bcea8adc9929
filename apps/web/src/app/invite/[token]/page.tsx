import { buttonClasses, Card } from "@flowgate/ui";
import type { Metadata } from "next";
import Link from "next/link";
import { AuthShell } from "@/components/auth-shell";
import { UsersIcon } from "@/components/icons";
import { getSession } from "@/lib/session";
import { AcceptInvite } from "./accept-invite";

export const metadata: Metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const session = await getSession();
  const query = `?invite=${encodeURIComponent(token)}`;

  return (
    <AuthShell>
      <Card className="w-full max-w-md px-7 py-8 text-center">
        <div className="mx-auto mb-4 flex size-12 items-center justify-center rounded-full bg-accent-50 text-accent-600">
          <UsersIcon className="size-6" />
        </div>
        <h1 className="text-xl font-semibold text-slate-900">You have been invited to a workspace</h1>
        {session ? (
          <AcceptInvite token={token} user={{ name: session.user.name, email: session.user.email }} />
        ) : (
          <>
            <p className="mt-2 text-sm leading-6 text-slate-600">
              Create a Flowgate account, or sign in to the one you have, to join the workspace and its flows.
            </p>
            <div className="mt-6 flex flex-col gap-2">
              <Link href={`/sign-up${query}`} className={buttonClasses({ variant: "primary", className: "w-full" })}>
                Create account
              </Link>
              <Link href={`/sign-in${query}`} className={buttonClasses({ variant: "secondary", className: "w-full" })}>
                Sign in
              </Link>
            </div>
          </>
        )}
      </Card>
    </AuthShell>
  );
}
