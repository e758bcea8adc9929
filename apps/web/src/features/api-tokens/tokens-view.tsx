"use client";

import { Alert, Badge, Button, Card, CardBody, CardHeader, ConfirmDialog, DataTable, Field, Input, PageHeader, Select, Skeleton, TD, TDActions, TH, THActions, TR, useToast } from "@flowgate/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { QueryErrorState } from "@/components/error-state";
import { RelativeTime } from "@/components/relative-time";
import { dangerGhostClasses } from "@/components/row-actions";
import { useWorkspace } from "@/components/use-workspace";
import { CopyButton } from "@/app/(app)/settings/members/members-view";
import { errorMessage } from "@/lib/errors";
import { formatDate } from "@/lib/format";
import { ROLE_DESCRIPTIONS, ROLE_LABELS, type Role } from "@/lib/roles";
import { useTRPC } from "@/lib/trpc";
import { defaultTokenRole, EXPIRY_CHOICES, expiresInDays, orderTokens, TOKEN_STATUS, tokenRoles, type ApiToken, type ExpiryChoice } from "./token-text";

export function ApiTokensView() {
  const trpc = useTRPC();
  const { role, canAdmin } = useWorkspace();
  const list = useQuery(trpc.tokens.list.queryOptions());
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Personal tokens for the flowgate CLI and scripts (for example a CI job that deploys flows from git). A token acts as you, in this workspace only, with the role you give it."
      />
      <div className="space-y-8">
        {role ? <CreateTokenCard myRole={role} /> : <Skeleton className="h-40" />}
        <section aria-labelledby="tokens-heading">
          <h2 id="tokens-heading" className="mb-3 text-base font-semibold text-slate-900">
            {canAdmin ? "Tokens of this workspace" : "Your tokens"}
            {list.data ? <span className="font-normal text-slate-500"> ({list.data.length})</span> : null}
          </h2>
          {list.isPending ? (
            <Skeleton className="h-32" />
          ) : list.isError ? (
            <QueryErrorState title="The tokens could not be loaded" query={list} />
          ) : list.data.length === 0 ? (
            <p className="rounded-card border border-dashed border-slate-300 px-5 py-6 text-sm text-slate-500">
              No tokens yet. Create one above, then run <code className="rounded bg-slate-100 px-1 font-mono text-xs text-slate-700">flowgate login</code> with it.
            </p>
          ) : (
            <TokensTable tokens={orderTokens(list.data)} canAdmin={canAdmin} />
          )}
        </section>
      </div>
    </>
  );
}

function CreateTokenCard({ myRole }: { myRole: Role }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>(() => defaultTokenRole(myRole));
  const [expiry, setExpiry] = useState<ExpiryChoice>("90");
  const [nameError, setNameError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ token: string; name: string; role: Role; expiresAt: string | null } | null>(null);
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: async (token) => {
        setCreated({ token: token.token, name: token.name, role: token.role, expiresAt: token.expiresAt });
        setName("");
        await queryClient.invalidateQueries(trpc.tokens.list.pathFilter());
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) {
      setNameError("Name the token after where it is used, e.g. “CI deploy”.");
      return;
    }
    setNameError(null);
    setCreated(null);
    create.mutate({ name: name.trim(), role, expiresInDays: expiresInDays(expiry) });
  }

  return (
    <Card>
      <CardHeader title="Create a token" description="Give it the least role the job needs: Viewer to read, Editor to import, publish and run flows." />
      <CardBody>
        <form onSubmit={submit} noValidate className="grid items-start gap-4 sm:grid-cols-[1fr_11rem_9rem_auto]">
          <Field label="Name" error={nameError}>
            <Input value={name} maxLength={120} onChange={(e) => setName(e.target.value)} placeholder="CI deploy" />
          </Field>
          <Field label="Role" hint={ROLE_DESCRIPTIONS[role]}>
            <Select value={role} onChange={(e) => setRole(e.target.value as Role)} options={tokenRoles(myRole).map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
          </Field>
          <Field label="Expires after">
            <Select value={expiry} onChange={(e) => setExpiry(e.target.value as ExpiryChoice)} options={EXPIRY_CHOICES} />
          </Field>
          <Button type="submit" variant="primary" loading={create.isPending} className="sm:mt-6.5">
            Create token
          </Button>
        </form>
        {create.isError ? <Alert className="mt-4">{errorMessage(create.error)}</Alert> : null}
        {created ? (
          <div role="status" className="mt-5 rounded-control border border-amber-300 bg-amber-50 p-4">
            <p className="text-sm font-semibold text-amber-900">Copy this token now: Flowgate shows it only once.</p>
            <p className="mt-1 text-sm text-amber-900">
              “{created.name}” ({ROLE_LABELS[created.role]}
              {created.expiresAt ? `, until ${formatDate(created.expiresAt)}` : ", no expiry"}). Flowgate keeps only a fingerprint of it: if you lose it, revoke it and
              create another. Keep it in a secret store, never in a file in git.
            </p>
            <div className="mt-3 flex items-center gap-2">
              <Input readOnly aria-label="The new token" value={created.token} onFocus={(e) => e.currentTarget.select()} className="flex-1 font-mono text-xs" />
              <CopyButton text={created.token} label="Copy token" />
            </div>
            <p className="mt-2 text-xs text-amber-900">
              Then run <code className="font-mono">flowgate login --url {typeof window === "undefined" ? "" : window.location.origin} --token …</code>, or set FLOWGATE_URL and FLOWGATE_TOKEN in CI.
            </p>
            <Button variant="ghost" size="sm" className="mt-2" onClick={() => setCreated(null)}>
              I have copied it
            </Button>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}

function TokensTable({ tokens, canAdmin }: { tokens: ApiToken[]; canAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        toast({ tone: "success", title: `“${revoking?.name ?? "The token"}” was revoked`, description: "Anything still using it is refused from now on." });
        setRevoking(null);
        await queryClient.invalidateQueries(trpc.tokens.list.pathFilter());
      },
    }),
  );
  return (
    <>
      <DataTable
        head={
          <>
            <TH>Name</TH>
            <TH>Role</TH>
            {canAdmin ? <TH>Owner</TH> : null}
            <TH>Created</TH>
            <TH>Last used</TH>
            <TH>Status</TH>
            <THActions />
          </>
        }
      >
        {tokens.map((token) => (
          <TR key={token.id}>
            <TD className="max-w-[16rem]">
              <p className="truncate font-medium text-slate-900">{token.name}</p>
              <p className="font-mono text-xs text-slate-500">{token.prefix}…</p>
            </TD>
            <TD>
              <Badge>{ROLE_LABELS[token.role]}</Badge>
            </TD>
            {canAdmin ? <TD>{token.mine ? <span className="text-slate-500">You</span> : token.ownerName}</TD> : null}
            <TD>
              <time dateTime={token.createdAt} className="whitespace-nowrap">
                {formatDate(token.createdAt)}
              </time>
            </TD>
            <TD>{token.lastUsedAt ? <RelativeTime value={token.lastUsedAt} className="whitespace-nowrap" /> : <span className="text-slate-400">Never</span>}</TD>
            <TD>
              <Badge tone={TOKEN_STATUS[token.status].tone}>{TOKEN_STATUS[token.status].label}</Badge>
              {token.status === "active" && token.expiresAt ? (
                <span className="mt-0.5 block text-xs whitespace-nowrap text-slate-500">
                  Expires <RelativeTime value={token.expiresAt} />
                </span>
              ) : null}
            </TD>
            <TDActions>
              {token.status === "active" && (token.mine || canAdmin) ? (
                <Button variant="ghost" size="sm" aria-label={`Revoke ${token.name}`} className={dangerGhostClasses} onClick={() => setRevoking(token)}>
                  Revoke
                </Button>
              ) : null}
            </TDActions>
          </TR>
        ))}
      </DataTable>
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => {
          revoke.reset();
          setRevoking(null);
        }}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        text={`Scripts and CI jobs using ${revoking?.prefix ?? "this token"}… are refused at once. This cannot be undone: create a new token to replace it.`}
        confirmLabel="Revoke token"
        danger
        loading={revoke.isPending}
        error={revoke.isError ? errorMessage(revoke.error) : undefined}
      />
    </>
  );
}
