import { Card, PageHeader } from "@flowgate/ui";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { RunsIcon, TemplateIcon } from "./icons";

interface Section {
  title: string;
  description: string;
  icon: ReactNode;
  headline: string;
  text: string;
  points: { title: string; text: string }[];
}

/** What each section that ships in a later release will do. */
const SECTIONS = {
  runs: {
    title: "Runs",
    description: "Every time a flow runs, on its schedule or when an event arrives.",
    icon: <RunsIcon />,
    headline: "See what each run did, record by record",
    text: "Each run will be listed here with its status, how many records it read, changed and skipped, and how long it took. Open a run to follow it batch by batch, see the records that failed and why, and run it again.",
    points: [
      { title: "Live progress", text: "Watch a run as it moves through its steps, with counts per step and per batch." },
      { title: "Clear failures", text: "Each error names the step, the field and the record's key, and says what to do about it." },
      { title: "Safe retries", text: "Writes are keyed by record, so running again never changes anything twice." },
    ],
  },
  templates: {
    title: "Templates",
    description: "Ready-made flows for common jobs, to start from instead of a blank page.",
    icon: <TemplateIcon />,
    headline: "Start from a flow that already works",
    text: "Pick a template — sync supplier prices to your shop, push stock levels every hour, import a product feed — connect your own systems, and adjust it to fit. Templates arrive switched off and without credentials, so nothing runs until you say so.",
    points: [
      { title: "Common integrations", text: "Products, prices, stock and orders between the systems people use most." },
      { title: "Safe by default", text: "Imported flows start disabled, with no connections attached." },
      { title: "Share your own", text: "Export a flow you built and reuse it in another workspace." },
    ],
  },
} satisfies Record<string, Section>;

export type ComingSoonSection = keyof typeof SECTIONS;

export function comingSoonMetadata(section: ComingSoonSection): Metadata {
  return { title: SECTIONS[section].title };
}

/** A designed placeholder for a section that ships in a later release. */
export function ComingSoon({ section }: { section: ComingSoonSection }) {
  const { title, description, icon, headline, text, points }: Section = SECTIONS[section];
  return (
    <>
      <PageHeader title={title} description={description} />
      <Card className="overflow-hidden">
        <div className="border-b border-line bg-linear-to-br from-accent-50 to-white px-8 py-10">
          <div className="flex items-start gap-5">
            <div className="flex size-12 shrink-0 items-center justify-center rounded-xl bg-white text-accent-600 shadow-card ring-1 ring-accent-100 [&>svg]:size-6">
              {icon}
            </div>
            <div>
              <span className="inline-flex rounded-full bg-accent-100 px-2.5 py-0.5 text-xs font-medium text-accent-800">
                Coming soon
              </span>
              <h2 className="mt-3 text-xl font-semibold text-slate-900">{headline}</h2>
              <p className="mt-2 max-w-2xl text-sm leading-6 text-slate-600">{text}</p>
            </div>
          </div>
        </div>
        <ul className="grid gap-px bg-slate-100 sm:grid-cols-3">
          {points.map((point) => (
            <li key={point.title} className="bg-white px-8 py-6">
              <h3 className="text-sm font-semibold text-slate-900">{point.title}</h3>
              <p className="mt-1.5 text-sm leading-6 text-slate-600">{point.text}</p>
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
