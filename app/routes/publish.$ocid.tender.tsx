import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { errorTitle } from "../components/ErrorSummary";
import { type NoticeActionData, NoticePage, noticeTitle } from "../components/publish/NoticePage";
import { formRefused, trackFormOutcome } from "../services/form-outcome.server";
import { noticeFormAction, noticeFormLoader } from "../services/publish-forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: errorTitle(`${noticeTitle("tenderUpdate")} – Public Tech Procurement Register`, data?.hasErrors) },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const d = await noticeFormLoader("tenderUpdate", request, context, params.ocid);
  return { ...d, hasErrors: d.errors.length > 0 || formRefused(context) };
}

export const action = ({ request, context, params }: ActionFunctionArgs) =>
  trackFormOutcome(context, () => noticeFormAction("tenderUpdate", request, context, params.ocid));

export default function Page() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<NoticeActionData>();
  return <NoticePage d={d} a={a} action={`/publish/${encodeURIComponent(d.process?.ocid ?? "")}/tender`} />;
}
