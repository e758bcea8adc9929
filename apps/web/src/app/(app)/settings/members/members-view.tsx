"use client";

import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  ConfirmDialog,
  DataTable,
  Field,
  Input,
  PageHeader,
  Select,
  Skeleton,
  TD,
  TDActions,
  TH,
  THActions,
  TR,
  useToast,
} from "@flowgate/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { QueryErrorState } from "@/components/error-state";
import { CopyIcon } from "@/components/icons";
import { dangerGhostClasses } from "@/components/row-actions";
import type { MembersList } from "@/lib/api-types";
import { errorMessage } from "@/lib/errors";
import { formatDate, formatRelative } from "@/lib/format";
import { canAdmin, ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES, type Role } from "@/lib/roles";
import { useTRPC } from "@/lib/trpc";

type Member = MembersList["members"][number];
type Invitation = MembersList["invitations"][number];

function roleOptions(myRole: Role) {
  // Only an owner can make someone else an owner.
  return ROLES.filter((role) => role !== "owner" || myRole === "owner").map((role) => ({
    value: role,
    label: ROLE_LABELS[role],
  }));
}

function useOrigin() {
  const [origin, setOrigin] = useState("");
  useEffect(() => setOrigin(window.location.origin), []);
  return origin;
}

function inviteLink(origin: string, token: string) {
  return `${origin}/invite/${token}`;
}

export function MembersView() {
  const trpc = useTRPC();
  const list = useQuery(trpc.members.list.queryOptions());

  return (
    <>
      <PageHeader
        title="Members"
        description="Who can see and change this workspace. Owners and admins manage members; editors build flows; viewers can look but not change anything."
      />
      {list.isPending ? (
        <div className="space-y-6" aria-busy="true" aria-label="Loading members">
          <Skeleton className="h-48" />
          <Skeleton className="h-40" />
        </div>
      ) : list.isError ? (
        <QueryErrorState title="Members could not be loaded" query={list} />
      ) : (
        <div className="space-y-8">
          <MembersTable data={list.data} />
          {canAdmin(list.data.myRole) ? (
            <>
              <InviteCard myRole={list.data.myRole} />
              <InvitationsCard invitations={list.data.invitations} />
            </>
          ) : (
            <p className="text-sm text-slate-500">Ask an owner or admin if someone else should join this workspace.</p>
          )}
        </div>
      )}
    </>
  );
}

function MembersTable({ data }: { data: MembersList }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [removing, setRemoving] = useState<Member | null>(null);
  const admin = canAdmin(data.myRole);
  const invalidate = () => queryClient.invalidateQueries(trpc.members.list.pathFilter());

  const changeRole = useMutation(
    trpc.members.changeRole.mutationOptions({
      onSuccess: ({ role }) => toast({ tone: "success", title: `Role changed to ${ROLE_LABELS[role]}` }),
      onError: (error) => toast({ tone: "error", title: "The role was not changed", description: errorMessage(error) }),
      onSettled: async () => {
        await invalidate();
        // Changing one's own role changes what this page may show.
        await queryClient.invalidateQueries(trpc.workspaces.pathFilter());
      },
    }),
  );
  const remove = useMutation(
    trpc.members.remove.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        toast({ tone: "success", title: `${removing?.name ?? "The member"} was removed` });
        setRemoving(null);
      },
    }),
  );

  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading" className="mb-3 text-base font-semibold text-slate-900">
        People <span className="font-normal text-slate-500">({data.members.length})</span>
      </h2>
      <DataTable
        head={
          <>
            <TH>Name</TH>
            <TH className="w-48">Role</TH>
            <TH>Joined</TH>
            {admin ? <THActions /> : null}
          </>
        }
      >
        {data.members.map((member) => {
          const changing = changeRole.isPending && changeRole.variables.memberId === member.id;
          return (
            <TR key={member.id}>
              <TD>
                <p className="font-medium text-slate-900">{member.name}</p>
                <p className="text-xs text-slate-500">{member.email}</p>
              </TD>
              <TD>
                {admin ? (
                  <Select
                    aria-label={`Role of ${member.name}`}
                    value={changing ? changeRole.variables.role : member.role}
                    disabled={changing || (member.role === "owner" && data.myRole !== "owner")}
                    onChange={(e) => changeRole.mutate({ memberId: member.id, role: e.target.value as Role })}
                    options={roleOptions(data.myRole).concat(
                      member.role === "owner" && data.myRole !== "owner"
                        ? [{ value: "owner", label: ROLE_LABELS.owner }]
                        : [],
                    )}
                  />
                ) : (
                  <Badge tone={member.role === "owner" ? "accent" : "neutral"}>{ROLE_LABELS[member.role]}</Badge>
                )}
              </TD>
              <TD>
                <time dateTime={member.createdAt} className="whitespace-nowrap">
                  {formatDate(member.createdAt)}
                </time>
              </TD>
              {admin ? (
                <TDActions>
                  <Button
                    variant="ghost"
                    size="sm"
                    aria-label={`Remove ${member.name}`}
                    className={dangerGhostClasses}
                    onClick={() => setRemoving(member)}
                  >
                    Remove
                  </Button>
                </TDActions>
              ) : null}
            </TR>
          );
        })}
      </DataTable>
      <dl className="mt-3 grid gap-x-6 gap-y-1 text-xs text-slate-500 sm:grid-cols-2">
        {ROLES.map((role) => (
          <div key={role} className="flex gap-1.5">
            <dt className="font-medium text-slate-600">{ROLE_LABELS[role]}:</dt>
            <dd>{ROLE_DESCRIPTIONS[role]}</dd>
          </div>
        ))}
      </dl>
      <ConfirmDialog
        open={removing !== null}
        onClose={() => {
          remove.reset();
          setRemoving(null);
        }}
        onConfirm={() => removing && remove.mutate({ memberId: removing.id })}
        title={`Remove ${removing?.name ?? ""}?`}
        text={`${removing?.email ?? "They"} will lose access to this workspace at once. You can invite them again later.`}
        confirmLabel="Remove"
        danger
        loading={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : undefined}
      />
    </section>
  );
}

export function CopyButton({ text, label = "Copy link" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const { toast } = useToast();
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      toast({ tone: "error", title: "Could not copy", description: "Select the link and copy it by hand." });
    }
  }
  return (
    <Button variant="secondary" size="sm" icon={<CopyIcon className="size-4" />} onClick={() => void copy()}>
      {copied ? "Copied" : label}
    </Button>
  );
}

function InviteCard({ myRole }: { myRole: Role }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const origin = useOrigin();
  const [role, setRole] = useState<Role>("editor");
  const [email, setEmail] = useState("");
  const [created, setCreated] = useState<{ token: string; role: Role; email: string } | null>(null);
  const invite = useMutation(
    trpc.members.invite.mutationOptions({
      onSuccess: async ({ token }, input) => {
        setCreated({ token, role: input.role, email: input.email ?? "" });
        setEmail("");
        await queryClient.invalidateQueries(trpc.members.list.pathFilter());
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    invite.mutate({ role, email: email.trim() || undefined });
  }

  return (
    <Card>
      <CardHeader
        title="Invite by link"
        description="Create a link and send it to the person yourself. Whoever opens it joins with the role you pick; add an email to limit it to that address."
      />
      <CardBody>
        <form onSubmit={submit} noValidate className="grid items-start gap-4 sm:grid-cols-[12rem_1fr_auto]">
          <Field label="Role" hint={ROLE_DESCRIPTIONS[role]}>
            <Select value={role} onChange={(e) => setRole(e.target.value as Role)} options={roleOptions(myRole)} />
          </Field>
          <Field label="Email" aside="Optional">
            <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="name@example.com" />
          </Field>
          <Button type="submit" variant="primary" loading={invite.isPending} className="sm:mt-6.5">
            Create invite link
          </Button>
        </form>
        {invite.isError ? (
          <Alert className="mt-4">{errorMessage(invite.error)}</Alert>
        ) : null}
        {created ? (
          <div className="mt-5 rounded-control border border-accent-200 bg-accent-50/60 p-4">
            <p className="text-sm font-medium text-slate-900">
              Invite link for {created.email || "anyone with the link"} as {ROLE_LABELS[created.role]}
            </p>
            <div className="mt-2 flex items-center gap-2">
              <Input
                readOnly
                aria-label="Invite link"
                value={inviteLink(origin, created.token)}
                onFocus={(e) => e.currentTarget.select()}
                className="flex-1 font-mono text-xs"
              />
              <CopyButton text={inviteLink(origin, created.token)} />
            </div>
            <p className="mt-2 text-xs text-slate-600">The link works once. It is listed under pending invitations until it is used or revoked.</p>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}

function InvitationsCard({ invitations }: { invitations: Invitation[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const origin = useOrigin();
  const revoke = useMutation(
    trpc.members.revokeInvite.mutationOptions({
      onSuccess: () => toast({ tone: "success", title: "Invitation revoked", description: "Its link no longer works." }),
      onError: (error) => toast({ tone: "error", title: "Not revoked", description: errorMessage(error) }),
      onSettled: () => queryClient.invalidateQueries(trpc.members.list.pathFilter()),
    }),
  );

  return (
    <section aria-labelledby="invitations-heading">
      <h2 id="invitations-heading" className="mb-3 text-base font-semibold text-slate-900">
        Pending invitations <span className="font-normal text-slate-500">({invitations.length})</span>
      </h2>
      {invitations.length === 0 ? (
        <p className="rounded-card border border-dashed border-slate-300 px-5 py-6 text-sm text-slate-500">
          No open invitations. Links you create appear here until they are used, expire or are revoked.
        </p>
      ) : (
        <DataTable
          head={
            <>
              <TH>For</TH>
              <TH>Role</TH>
              <TH>Expires</TH>
              <THActions />
            </>
          }
        >
          {invitations.map((invitation) => (
            <TR key={invitation.id}>
              <TD>{invitation.email ?? <span className="text-slate-500">Anyone with the link</span>}</TD>
              <TD>
                <Badge>{ROLE_LABELS[invitation.role]}</Badge>
              </TD>
              <TD>
                <time dateTime={invitation.expiresAt}>{formatRelative(invitation.expiresAt)}</time>
              </TD>
              <TDActions className="space-x-1">
                {invitation.token ? <CopyButton text={inviteLink(origin, invitation.token)} /> : null}
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Revoke invitation${invitation.email ? ` for ${invitation.email}` : ""}`}
                  loading={revoke.isPending && revoke.variables.invitationId === invitation.id}
                  onClick={() => revoke.mutate({ invitationId: invitation.id })}
                >
                  Revoke
                </Button>
              </TDActions>
            </TR>
          ))}
        </DataTable>
      )}
    </section>
  );
}
