"use client";

import { Button, Input, Select } from "@flowgate/ui";
import { useEffect, useEffectEvent, useRef, useState } from "react";
import { SearchIcon } from "@/components/icons";
import { isFiltered, TIME_RANGES, withFilter, type RunsQuery } from "./run-query";
import { RUN_STATUSES, RUN_TRIGGERS, runStatusLabel, triggerText } from "./run-text";

/** Typing settles for this long before the list asks the server again. */
const TYPING_DELAY_MS = 300;

/** The runs page's filters: search, flow, status, trigger and time range. Each change lands in the address at once; the search once typing pauses. */
export function RunsFilters({
  query,
  onChange,
  onClear,
  flows,
}: {
  query: RunsQuery;
  onChange: (query: RunsQuery) => void;
  onClear: () => void;
  flows: readonly { id: string; name: string }[] | undefined;
}) {
  const [text, setText] = useState(query.search ?? "");
  const typed = useRef(false);
  const applied = query.search ?? "";

  // The address changed from elsewhere (Clear filters, back button): the box shows what is applied.
  useEffect(() => {
    if (!typed.current) setText(applied);
  }, [applied]);

  const commit = (value: string) => {
    typed.current = false;
    if (value.trim() !== applied) onChange(withFilter(query, "search", value.trim()));
  };

  // Only typing schedules a commit; it reads the query as it is when it fires.
  const commitTyped = useEffectEvent(() => commit(text));
  useEffect(() => {
    if (!typed.current) return;
    const timer = window.setTimeout(commitTyped, TYPING_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  const flowOptions = [{ value: "", label: "All flows" }, ...(flows ?? []).map((flow) => ({ value: flow.id, label: flow.name }))];
  // A flow from a shared link that is not in the list (deleted, or the list still loading) stays selectable.
  if (query.flowId && !flowOptions.some((option) => option.value === query.flowId)) {
    flowOptions.push({ value: query.flowId, label: flows ? "A flow that no longer exists" : "Loading…" });
  }

  return (
    <div role="search" aria-label="Filter runs" className="mb-4 flex flex-wrap items-center gap-2">
      <div className="relative w-full sm:w-56">
        <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-slate-400" />
        <Input
          type="search"
          aria-label="Search by flow name or run id"
          placeholder="Flow name or run id"
          value={text}
          onChange={(event) => {
            typed.current = true;
            setText(event.target.value);
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter") commit(text);
          }}
          onBlur={() => {
            if (typed.current) commit(text);
          }}
          className="pl-8"
        />
      </div>
      <Select
        aria-label="Flow"
        className="w-44"
        value={query.flowId ?? ""}
        onChange={(event) => onChange(withFilter(query, "flowId", event.target.value))}
        options={flowOptions}
      />
      <Select
        aria-label="Status"
        className="w-44"
        value={query.status ?? ""}
        onChange={(event) => onChange(withFilter(query, "status", event.target.value as RunsQuery["status"] | ""))}
        options={[{ value: "", label: "Any status" }, ...RUN_STATUSES.map((status) => ({ value: status, label: runStatusLabel(status) }))]}
      />
      <Select
        aria-label="Trigger"
        className="w-32"
        value={query.trigger ?? ""}
        onChange={(event) => onChange(withFilter(query, "trigger", event.target.value as RunsQuery["trigger"] | ""))}
        options={[{ value: "", label: "Any trigger" }, ...RUN_TRIGGERS.map((trigger) => ({ value: trigger, label: triggerText(trigger) }))]}
      />
      <Select
        aria-label="Time range"
        className="w-36"
        value={query.range ?? ""}
        onChange={(event) => onChange(withFilter(query, "range", event.target.value as RunsQuery["range"] | ""))}
        options={[{ value: "", label: "Any time" }, ...TIME_RANGES.map((range) => ({ value: range.value, label: range.label }))]}
      />
      {isFiltered(query) ? (
        <Button
          variant="ghost"
          size="sm"
          onClick={() => {
            typed.current = false;
            setText("");
            onClear();
          }}
        >
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}
