"use client";

import { useToast } from "@flowgate/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ChangeItemFilter } from "@/lib/api-types";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { decisionToast, type Decision } from "./approval-text";

export interface DecideRequest {
  decision: Decision;
  target: { ids: number[] } | { filter: ChangeItemFilter };
  /** How many items it takes, for the progress line (the server counts again). */
  count: number;
  comment?: string;
}

/**
 * approvals.decide with what a person needs around it: the request in flight (for "Approving 4,812
 * changes…"), the toast with what happened, and fresh lists, counts and the navigation badge after.
 */
export function useDecide(changeSetId: string, { onDecided }: { onDecided?: () => void } = {}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [inFlight, setInFlight] = useState<DecideRequest | null>(null);
  const mutation = useMutation(trpc.approvals.decide.mutationOptions());

  const decide = (request: DecideRequest) => {
    if (mutation.isPending) return;
    setInFlight(request);
    mutation.mutate(
      { changeSetId, decision: request.decision, ...request.target, ...(request.comment?.trim() ? { comment: request.comment.trim() } : {}) },
      {
        onSuccess: (result) => {
          toast(decisionToast(request.decision, result));
          onDecided?.();
        },
        onError: (error) =>
          toast({
            tone: "error",
            title: request.decision === "approve" ? "The changes were not approved" : "The changes were not rejected",
            description: errorMessage(error),
          }),
        onSettled: async () => {
          setInFlight(null);
          // Someone else may have decided some of them: every approvals view reloads, not just this table.
          await queryClient.invalidateQueries(trpc.approvals.pathFilter());
        },
      },
    );
  };

  return { decide, inFlight: mutation.isPending ? inFlight : null };
}
