import { Card, PageHeader } from "@flowgate/ui";
import type { ReactNode } from "react";

export interface ComingSoonProps {
  title: string;
  description: string;
  icon: ReactNode;
  headline: string;
  text: string;
  points: { title: string; text: string }[];
}

/** A designed placeholder for a section that ships in a later release. */
export function ComingSoon({ title, description, icon, headline, text, points }: ComingSoonProps) {
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
