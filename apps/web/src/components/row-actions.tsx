"use client";

import { Button, TDActions } from "@flowgate/ui";
import type { ReactNode } from "react";
import { PencilIcon, TrashIcon } from "./icons";

const DANGER = "text-red-700 hover:bg-red-50 hover:text-red-800";

/**
 * A small ghost button in a table row. It is named "<action> <name>" (e.g. "Delete Orders sync")
 * so each row's button is distinct; the word shows beside the icon on wide screens only.
 */
export function RowActionButton({
  action,
  name,
  icon,
  danger = false,
  iconOnly = false,
  onClick,
}: {
  action: string;
  name: string;
  icon: ReactNode;
  danger?: boolean;
  /** For rows with many actions or columns: the word stays in the tooltip and the accessible name. */
  iconOnly?: boolean;
  onClick: () => void;
}) {
  return (
    <Button
      variant="ghost"
      size="sm"
      aria-label={`${action} ${name}`}
      className={danger ? DANGER : undefined}
      icon={icon}
      title={action}
      onClick={onClick}
    >
      {iconOnly ? null : <span className="hidden xl:inline">{action}</span>}
    </Button>
  );
}

/** The actions cell of a row that can be edited (or renamed) and deleted. */
export function RowActions({
  name,
  editLabel = "Edit",
  onEdit,
  onDelete,
}: {
  name: string;
  editLabel?: string;
  onEdit: () => void;
  onDelete: () => void;
}) {
  return (
    <TDActions>
      <RowActionButton action={editLabel} name={name} icon={<PencilIcon className="size-4" />} onClick={onEdit} />
      <RowActionButton action="Delete" name={name} icon={<TrashIcon className="size-4" />} danger onClick={onDelete} />
    </TDActions>
  );
}

/** Red text for a ghost button that removes something. */
export const dangerGhostClasses = DANGER;
