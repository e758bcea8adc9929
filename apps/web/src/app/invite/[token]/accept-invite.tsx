"use client";

import { Alert, Button, buttonClasses } from "@flowgate/ui";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { authClient } from "@/lib/auth-client";
import { errorCode, errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";

export function AcceptInvite({ token, user }: { token: string; user: { name: string; email: string } }) {
  const trpc = useTRPC();
  const [switchError, setSwitchError] = useState<string | null>(null);
  const accept = useMutation(
    trpc.members.acceptInvite.mutationOptions({
      onSuccess: async ({ workspaceId }) => {
        const { error } = await authClient.organization.setActive({ organizationId: workspaceId });
        if (error) {
          setSwitchError(error.message ?? "You joined, but the workspace could not be opened.");
          return;
        }
        window.location.assign("/flows");
      },
    }),
  );

  const failed = accept.isError;
  const notFound = failed && (errorCode(accept.error) === "NOT_FOUND" || errorCode(accept.error) === "BAD_REQUEST");
  const wrongAccount = failed && errorCode(accept.error) === "FORBIDDEN";

  async function switchAccount() {
    await authClient.signOut();
    window.location.assign(`/sign-in?invite=${encodeURIComponent(token)}`);
  }

  return (
    <>
      <p className="mt-2 text-sm leading-6 text-slate-600">
        You are signed in as <span className="font-medium text-slate-900">{user.name}</span> ({user.email}).
      </p>
      {failed ? (
        <Alert
          size="md"
          className="mt-5 text-left"
          title={notFound ? "This invitation link cannot be used" : "Joining failed"}
        >
          {errorMessage(accept.error)}
        </Alert>
      ) : null}
      {switchError ? (
        <Alert tone="warning" size="md" className="mt-5 text-left">
          {switchError}
        </Alert>
      ) : null}
      <div className="mt-6 flex flex-col gap-2">
        {wrongAccount ? (
          <Button variant="primary" className="w-full" onClick={() => void switchAccount()}>
            Sign in with another account
          </Button>
        ) : notFound ? (
          <Link href="/flows" className={buttonClasses({ variant: "secondary", className: "w-full" })}>
            Go to my flows
          </Link>
        ) : (
          <Button
            variant="primary"
            className="w-full"
            loading={accept.isPending || (accept.isSuccess && !switchError)}
            onClick={() => accept.mutate({ token })}
          >
            Join workspace
          </Button>
        )}
      </div>
    </>
  );
}
