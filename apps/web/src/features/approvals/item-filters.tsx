"use client";

import { Button, Field, Input, Select } from "@flowgate/ui";
import { useCallback, useEffect, useState } from "react";
import { SearchIcon } from "@/components/icons";
import { CHANGE_OPS, ITEM_STATUSES, itemStatusLabels } from "./approval-text";
import { isFiltered, sortOptionValue, withSortOption, type ItemQuery } from "./item-query";

/** Typing settles for this long before the table asks the server again. */
const TYPING_DELAY_MS = 300;

const opLabels = { create: "Create", update: "Update", delete: "Delete" } as const;

/** Parses the "Minimum change (%)" box: a number of 0 or more, nothing, or an error to show. */
function parsePercent(text: string): { ok: true; value: number | undefined } | { ok: false } {
  if (text.trim() === "") return { ok: true, value: undefined };
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? { ok: true, value } : { ok: false };
}

export interface FilterDrafts {
  text: string;
  setText: (text: string) => void;
  percent: string;
  setPercent: (percent: string) => void;
  percentInvalid: boolean;
  /** Typed but not applied yet: the table (and a decision by filter) still follows the last applied filters. */
  drafting: boolean;
  /** Applies the drafts now (on Enter, or when the box loses focus). */
  commit: () => void;
  /** Sets the drafts to a query's values, e.g. after "Clear filters". */
  reset: (query: ItemQuery) => void;
}

/**
 * The search text and the percent as typed. They reach the address (and the server) once typing
 * pauses, or at once on Enter or leaving the box; until then `drafting` tells the page not to let a
 * decision by filter run under filters the person no longer sees.
 */
export function useFilterDrafts(query: ItemQuery, onChange: (query: ItemQuery) => void): FilterDrafts {
  const [text, setTextState] = useState(query.text ?? "");
  const [percent, setPercentState] = useState(query.minPercent === undefined ? "" : String(query.minPercent));
  // Only typing makes a draft: a change of the address from elsewhere (Clear filters) must not be undone by a late commit.
  const [dirty, setDirty] = useState(false);
  const parsedPercent = parsePercent(percent);
  const percentOk = parsedPercent.ok;
  const percentValue = parsedPercent.ok ? parsedPercent.value : undefined;

  const commit = useCallback(() => {
    if (!dirty) return;
    setDirty(false);
    const draftText = text.trim() || undefined;
    // An unreadable percent keeps the last good one applied while the error shows.
    const draftMin = percentOk ? percentValue : query.minPercent;
    if (draftText === query.text && draftMin === query.minPercent) return;
    const { text: _text, minPercent: _min, ...rest } = query;
    onChange({ ...rest, ...(draftText ? { text: draftText } : {}), ...(draftMin !== undefined ? { minPercent: draftMin } : {}) });
  }, [dirty, text, percentOk, percentValue, query, onChange]);

  useEffect(() => {
    if (!dirty) return;
    const timer = window.setTimeout(commit, TYPING_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [dirty, commit]);

  const setText = useCallback((next: string) => {
    setTextState(next);
    setDirty(true);
  }, []);
  const setPercent = useCallback((next: string) => {
    setPercentState(next);
    setDirty(true);
  }, []);
  const reset = useCallback((next: ItemQuery) => {
    setTextState(next.text ?? "");
    setPercentState(next.minPercent === undefined ? "" : String(next.minPercent));
    setDirty(false);
  }, []);

  return { text, setText, percent, setPercent, percentInvalid: !percentOk, drafting: dirty, commit, reset };
}

/** The change set's filters (all applied on the server) and sort. */
export function ItemFilters({
  query,
  onChange,
  onClear,
  drafts,
  changedFields,
  numericFields,
}: {
  query: ItemQuery;
  onChange: (query: ItemQuery) => void;
  onClear: () => void;
  drafts: FilterDrafts;
  changedFields: readonly string[];
  numericFields: readonly string[];
}) {
  const set = <K extends "op" | "changedField" | "numericField">(name: K, value: ItemQuery[K] | "") => {
    const next: ItemQuery = { ...query };
    if (value === "" || value === undefined) delete next[name];
    else next[name] = value;
    onChange(next);
  };

  const percentError = drafts.percentInvalid
    ? "Enter a percent of 0 or more"
    : query.minPercent !== undefined && !query.numericField
      ? "Choose the numeric field too"
      : undefined;

  return (
    <div className="mb-4 space-y-3">
      <div className="flex flex-wrap items-start gap-3">
        <Field label="Search key or name" className="w-full sm:w-64">
          <div className="relative">
            <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-slate-400" />
            <Input
              type="search"
              placeholder="SKU, key or name"
              value={drafts.text}
              onChange={(event) => drafts.setText(event.target.value)}
              onBlur={drafts.commit}
              onKeyDown={(event) => {
                if (event.key === "Enter") drafts.commit();
              }}
              className="pl-8"
            />
          </div>
        </Field>
        <Field label="Status" className="w-36">
          <Select
            value={query.status}
            onChange={(event) => onChange({ ...query, status: event.target.value as ItemQuery["status"] })}
            options={[...ITEM_STATUSES.map((status) => ({ value: status, label: itemStatusLabels[status] })), { value: "any", label: "Any status" }]}
          />
        </Field>
        <Field label="Operation" className="w-36">
          <Select
            value={query.op ?? ""}
            onChange={(event) => set("op", event.target.value as ItemQuery["op"] | "")}
            options={[{ value: "", label: "Any operation" }, ...CHANGE_OPS.map((op) => ({ value: op, label: opLabels[op] }))]}
          />
        </Field>
        <Field label="Changed field" className="w-40">
          <Select
            value={query.changedField ?? ""}
            onChange={(event) => set("changedField", event.target.value)}
            options={[
              { value: "", label: "Any field" },
              ...changedFields.map((field) => ({ value: field, label: field })),
              // A field from a shared address that this change set does not have still reads as chosen.
              ...(query.changedField && !changedFields.includes(query.changedField) ? [{ value: query.changedField, label: query.changedField }] : []),
            ]}
          />
        </Field>
      </div>
      <div className="flex flex-wrap items-start gap-3">
        <Field label="Numeric field" className="w-40" hint={numericFields.length === 0 ? "No numeric field changed" : undefined}>
          <Select
            value={query.numericField ?? ""}
            disabled={numericFields.length === 0 && !query.numericField}
            onChange={(event) => set("numericField", event.target.value)}
            options={[
              { value: "", label: "Choose a field" },
              ...numericFields.map((field) => ({ value: field, label: field })),
              ...(query.numericField && !numericFields.includes(query.numericField) ? [{ value: query.numericField, label: query.numericField }] : []),
            ]}
          />
        </Field>
        <Field label="Minimum change (%)" className="w-40" error={percentError}>
          <Input
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            placeholder="e.g. 20"
            value={drafts.percent}
            onChange={(event) => drafts.setPercent(event.target.value)}
            onBlur={drafts.commit}
            onKeyDown={(event) => {
              if (event.key === "Enter") drafts.commit();
            }}
          />
        </Field>
        <Field label="Sort" className="w-52">
          <Select
            value={sortOptionValue(query)}
            onChange={(event) => onChange(withSortOption(query, event.target.value))}
            options={[
              { value: "id", label: "As they arrived" },
              { value: "key", label: "Key (A to Z)" },
              ...numericFields.map((field) => ({ value: `change:${field}`, label: `Biggest change in ${field}` })),
            ]}
          />
        </Field>
        {isFiltered(query) ? (
          <Button variant="ghost" className="mt-6.5" onClick={onClear}>
            Clear filters
          </Button>
        ) : null}
      </div>
    </div>
  );
}
