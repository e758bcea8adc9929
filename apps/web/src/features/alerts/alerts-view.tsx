"use client";

import { Button, Card, cn, EmptyState, PageHeader, Skeleton, useToast } from "@flowgate/ui";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { QueryErrorState } from "@/components/error-state";
import { AlertIcon, ApprovalIcon, CheckCircleIcon, CheckIcon } from "@/components/icons";
import type { RouterOutputs } from "@/lib/api-types";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { alertLink, occurrencesText, resolvedText } from "./alert-text";
import { BellIcon } from "./bell-icon";
import { useUnreadAlertCount } from "./unread-count";
import { LoadMore } from "@/components/load-more";

type Alert = RouterOutputs["alerts"]["list"]["items"][number];
type AlertStatus = Alert["status"];

const PAGE_SIZE = 20;
const POLL_MS = 30_000;

/** Alerts of the workspace: open ones first, then resolved; each says what happened, how often, and where to look. */
export function AlertsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const unread = useUnreadAlertCount();
  const markRead = useMutation(
    trpc.alerts.markRead.mutationOptions({
      onSuccess: (_, input) => {
        if (!input.ids) toast({ tone: "success", title: "All alerts marked read" });
      },
      onError: (error) => toast({ tone: "error", title: "The alerts were not marked read", description: errorMessage(error) }),
      onSettled: () => queryClient.invalidateQueries(trpc.alerts.pathFilter()),
    }),
  );
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Flows that failed, and changes that waited too long for approval. Repeated failures of a flow stay one alert until a run of it succeeds again."
        actions={
          <Button
            variant="secondary"
            icon={<CheckIcon className="size-4" />}
            disabled={unread === 0}
            loading={markRead.isPending && !markRead.variables?.ids}
            onClick={() => markRead.mutate({})}
          >
            Mark all read
          </Button>
        }
      />
      <section aria-labelledby="open-alerts">
        <h2 id="open-alerts" className="mb-3 text-sm font-semibold text-slate-900">
          Open
        </h2>
        <AlertList status="open" onOpen={(alert) => !alert.read && markRead.mutate({ ids: [alert.id] })} />
      </section>
      <section aria-labelledby="resolved-alerts" className="mt-10">
        <h2 id="resolved-alerts" className="mb-3 text-sm font-semibold text-slate-900">
          Resolved
        </h2>
        <AlertList status="resolved" onOpen={(alert) => !alert.read && markRead.mutate({ ids: [alert.id] })} />
      </section>
    </>
  );
}

function AlertList({ status, onOpen }: { status: AlertStatus; onOpen: (alert: Alert) => void }) {
  const trpc = useTRPC();
  const list = useInfiniteQuery(
    trpc.alerts.list.infiniteQueryOptions({ status, limit: PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor, refetchInterval: POLL_MS }),
  );
  if (list.isPending) return <ListSkeleton rows={status === "open" ? 3 : 2} />;
  if (list.isError) return <QueryErrorState title={status === "open" ? "The open alerts could not be loaded" : "The resolved alerts could not be loaded"} query={list} />;
  const alerts = list.data.pages.flatMap((page) => page.items);
  if (alerts.length === 0) {
    return status === "open" ? (
      <EmptyState
        icon={<BellIcon />}
        title="No open alerts"
        text="When a run fails, or changes wait for approval longer than a flow allows, an alert opens here. Choose when each flow alerts, and where else to send the notice, with the bell button in its editor."
      />
    ) : (
      <p className="rounded-card border border-dashed border-slate-300 px-5 py-6 text-center text-sm text-slate-500">
        No resolved alerts yet. An alert moves here when the flow runs successfully again, or when the waiting changes are decided.
      </p>
    );
  }
  return (
    <>
      <Card>
        <ul className="divide-y divide-slate-100">
          {alerts.map((alert) => (
            <AlertRow key={alert.id} alert={alert} onOpen={() => onOpen(alert)} />
          ))}
        </ul>
      </Card>
      <LoadMore pages={list} className="mt-4" />
    </>
  );
}

function AlertRow({ alert, onOpen }: { alert: Alert; onOpen: () => void }) {
  const open = alert.status === "open";
  const link = alertLink(alert);
  const resolved = resolvedText(alert);
  const unread = open && !alert.read;
  return (
    <li className={cn("flex items-start gap-4 px-5 py-4", unread && "bg-accent-50/40")}>
      <span
        aria-hidden
        className={cn(
          "mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-full [&>svg]:size-[18px]",
          !open ? "bg-slate-100 text-slate-500" : alert.kind === "run_failed" ? "bg-red-50 text-red-600" : "bg-amber-50 text-amber-700",
        )}
      >
        {!open ? <CheckCircleIcon /> : alert.kind === "run_failed" ? <AlertIcon /> : <ApprovalIcon />}
      </span>
      <div className="min-w-0 flex-1">
        <p className="flex items-center gap-2">
          <span className={cn("font-medium", open ? "text-slate-900" : "text-slate-700")}>{alert.title}</span>
          {unread ? (
            <span className="inline-flex items-center gap-1 text-xs font-medium text-accent-700">
              <span aria-hidden className="size-1.5 rounded-full bg-accent-600" />
              New
            </span>
          ) : null}
        </p>
        {alert.message ? <p className="mt-0.5 line-clamp-2 text-sm text-slate-600">{alert.message}</p> : null}
        <p className="mt-1.5 flex flex-wrap items-center gap-x-2 gap-y-0.5 text-xs text-slate-500">
          <Link href={`/flows/${alert.flowId}`} className="font-medium text-slate-700 hover:text-accent-700 hover:underline">
            {alert.flowName}
          </Link>
          <span aria-hidden>·</span>
          <span>{occurrencesText(alert)}</span>
          {resolved ? (
            <>
              <span aria-hidden>·</span>
              <span className="text-emerald-700">{resolved}</span>
            </>
          ) : null}
        </p>
      </div>
      {link ? (
        <Link href={link.href} onClick={onOpen} className="shrink-0 pt-0.5 text-sm font-medium whitespace-nowrap text-accent-700 hover:underline">
          {link.label}
        </Link>
      ) : null}
    </li>
  );
}

function ListSkeleton({ rows }: { rows: number }) {
  return (
    <Card aria-busy="true" aria-label="Loading alerts">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="flex gap-4 border-b border-slate-100 px-5 py-4 last:border-0">
          <Skeleton className="size-8 rounded-full" />
          <div className="flex-1">
            <Skeleton className="h-4 w-64" />
            <Skeleton className="mt-2 h-3 w-96 max-w-full" />
            <Skeleton className="mt-2 h-3 w-48" />
          </div>
        </div>
      ))}
    </Card>
  );
}
