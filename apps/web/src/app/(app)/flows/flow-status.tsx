import { StatusChip } from "@flowgate/ui";
import { runStatusLabel, runStatusTone } from "@/features/runs/run-text";

/** Draft / Published vN / Unpublished changes, as one line of chips. */
export function FlowStatus({
  activeVersionNumber,
  hasUnpublishedChanges,
}: {
  activeVersionNumber: number | null;
  hasUnpublishedChanges: boolean;
}) {
  if (activeVersionNumber === null) {
    return (
      <StatusChip tone="neutral" title="Never published: the flow cannot run yet.">
        Draft
      </StatusChip>
    );
  }
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <StatusChip tone="success" title={`Version ${activeVersionNumber} is the one that runs.`}>
        Published v{activeVersionNumber}
      </StatusChip>
      {hasUnpublishedChanges ? (
        <StatusChip tone="warning" title="The draft has edits that are not published yet.">
          Unpublished changes
        </StatusChip>
      ) : null}
    </span>
  );
}

/** "Succeeded", "Awaiting approval"… for a run's status; an unknown status as it is. */
export { runStatusLabel };

/** A run's status as a chip: green succeeded, amber needs a look, red failed, indigo still going. */
export function RunStatusChip({ status }: { status: string }) {
  return <StatusChip tone={runStatusTone(status)}>{runStatusLabel(status)}</StatusChip>;
}
