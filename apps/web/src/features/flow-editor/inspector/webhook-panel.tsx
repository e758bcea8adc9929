"use client";

import { Alert, Button, ConfirmDialog, Input, Skeleton, useToast } from "@flowgate/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { CopyIcon } from "@/components/icons";
import { useWorkspace } from "@/components/use-workspace";
import { errorMessage } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { useNodeForm } from "./node-form-context";

/*
 * trigger.webhook: where other systems send their data, the signing secret (shown once, when it is
 * made; never again), and a curl command to try it. The address belongs to the flow, not the node.
 */

/** Copies text; where the browser refuses (plain HTTP), says how to copy by hand. */
function useCopy() {
  const { toast } = useToast();
  return async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      toast({ tone: "success", title: `${what} copied` });
    } catch {
      toast({ tone: "error", title: `The browser did not allow copying`, description: `Select the ${what.toLowerCase()} and press Ctrl+C (⌘C on a Mac).` });
    }
  };
}

export function WebhookPanel() {
  const { flowId, readOnly } = useNodeForm();
  const { canEdit, isLoading } = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const copy = useCopy();
  const ids = useId();
  const webhook = useQuery({ ...trpc.webhooks.get.queryOptions({ flowId }), enabled: canEdit });
  const [confirming, setConfirming] = useState(false);
  const rotate = useMutation(
    trpc.webhooks.rotateSecret.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        await queryClient.invalidateQueries(trpc.webhooks.get.queryFilter({ flowId }));
      },
    }),
  );

  if (isLoading) return <Skeleton className="h-24" />;
  if (!canEdit) {
    return (
      <Section title="Webhook address">
        <p className="text-sm text-slate-600">Only editors can see this flow&apos;s webhook address and signing secret.</p>
      </Section>
    );
  }
  if (webhook.isPending) return <Skeleton className="h-24" />;
  if (webhook.isError) {
    return (
      <Section title="Webhook address">
        <Alert>The webhook address could not be loaded: {errorMessage(webhook.error)}</Alert>
        <Button size="sm" variant="secondary" onClick={() => void webhook.refetch()} loading={webhook.isRefetching}>
          Try again
        </Button>
      </Section>
    );
  }

  const { url, listening, hasSecret, secretRotatedAt, previousSecretValidUntil, signatureRequired } = webhook.data;
  const secret = rotate.data?.secret;
  const curl = [
    `curl -X POST '${url}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '[{"sku": "A-100", "name": "Desk lamp", "price": 39.9}]'`,
  ].join("\n");

  return (
    <Section title="Webhook address">
      <div className="space-y-1.5">
        <label htmlFor={`${ids}-url`} className="block text-sm font-medium text-slate-800">
          Webhook URL
        </label>
        <div className="flex gap-2">
          <Input id={`${ids}-url`} readOnly value={url} className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
          <Button variant="secondary" icon={<CopyIcon className="size-4" />} onClick={() => void copy(url, "URL")} aria-label="Copy URL">
            Copy
          </Button>
        </div>
        <p className={listening ? "text-sm text-emerald-700" : "text-sm text-slate-500"}>
          {listening
            ? "Listening: a POST to this address starts the flow."
            : "This address starts the flow once the flow is published with this trigger and switched on."}
        </p>
      </div>

      <div className="space-y-1.5">
        <p className="text-sm font-medium text-slate-800">Signing secret</p>
        {secret ? (
          <div className="space-y-1.5 rounded-control bg-amber-50 p-2.5">
            <div className="flex gap-2">
              <Input readOnly aria-label="New signing secret" value={secret} className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
              <Button variant="secondary" icon={<CopyIcon className="size-4" />} onClick={() => void copy(secret, "Signing secret")} aria-label="Copy signing secret">
                Copy
              </Button>
            </div>
            <p className="text-sm text-amber-900">Copy it now and give it to the sender: Flowgate does not show it again.</p>
          </div>
        ) : (
          <p className="text-sm text-slate-600">
            {hasSecret
              ? `Made ${secretRotatedAt ? formatDateTime(secretRotatedAt) : "earlier"}; it is not shown again. Rotate it to get a new one.`
              : "None shown yet. Create one when the sender should sign its requests."}
          </p>
        )}
        {previousSecretValidUntil ? (
          <p className="text-sm text-slate-500">The previous secret keeps working until {formatDateTime(previousSecretValidUntil)}.</p>
        ) : null}
        {signatureRequired ? <p className="text-sm text-slate-500">The published flow refuses requests without a valid signature.</p> : null}
        {readOnly ? null : (
          <Button size="sm" variant="secondary" onClick={() => setConfirming(true)}>
            {hasSecret ? "Rotate signing secret" : "Create signing secret"}
          </Button>
        )}
      </div>

      <div className="space-y-1.5">
        <div className="flex items-center justify-between">
          <p id={`${ids}-curl`} className="text-sm font-medium text-slate-800">
            Try it
          </p>
          <Button size="sm" variant="ghost" icon={<CopyIcon className="size-4" />} onClick={() => void copy(curl, "Command")} aria-label="Copy curl command">
            Copy
          </Button>
        </div>
        <pre aria-labelledby={`${ids}-curl`} className="overflow-x-auto rounded-control bg-slate-900 px-3 py-2 font-mono text-xs leading-5 text-slate-100">
          {curl}
        </pre>
        {signatureRequired || hasSecret ? (
          <p className="text-xs text-slate-500">
            Signed requests also carry webhook-id, webhook-timestamp and webhook-signature headers (Standard Webhooks), made with the signing secret.
          </p>
        ) : null}
      </div>

      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={() => rotate.mutate({ flowId })}
        title={hasSecret ? "Rotate the signing secret?" : "Create a signing secret?"}
        text={
          hasSecret
            ? "Flowgate makes a new secret and shows it once. The current one keeps working for 24 hours, so the sender can switch."
            : "Flowgate makes a secret and shows it once: copy it then and give it to the sender."
        }
        confirmLabel={hasSecret ? "Rotate" : "Create"}
        loading={rotate.isPending}
        error={rotate.error ? errorMessage(rotate.error) : undefined}
      />
    </Section>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="space-y-3 rounded-control border border-line p-3">
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      {children}
    </section>
  );
}
