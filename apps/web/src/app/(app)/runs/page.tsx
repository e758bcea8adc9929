import type { Metadata } from "next";
import { ComingSoon } from "@/components/coming-soon";
import { RunsIcon } from "@/components/icons";

export const metadata: Metadata = { title: "Runs" };

export default function RunsPage() {
  return (
    <ComingSoon
      title="Runs"
      description="Every time a flow runs, on its schedule or when an event arrives."
      icon={<RunsIcon />}
      headline="See what each run did, record by record"
      text="Each run will be listed here with its status, how many records it read, changed and skipped, and how long it took. Open a run to follow it batch by batch, see the records that failed and why, and run it again."
      points={[
        { title: "Live progress", text: "Watch a run as it moves through its steps, with counts per step and per batch." },
        { title: "Clear failures", text: "Each error names the step, the field and the record's key, and says what to do about it." },
        { title: "Safe retries", text: "Writes are keyed by record, so running again never changes anything twice." },
      ]}
    />
  );
}
