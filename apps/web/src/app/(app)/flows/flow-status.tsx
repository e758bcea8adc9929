import { StatusChip } from "@flowgate/ui";

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
