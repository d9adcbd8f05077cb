import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { type NoticeActionData, NoticePage, noticeTitle } from "../components/publish/NoticePage";
import { noticeFormAction, noticeFormLoader } from "../services/publish-forms.server";

export const meta: MetaFunction = () => [{ title: `${noticeTitle("contract")} – Public Tech Procurement Register` }];

export const loader = ({ request, context, params }: LoaderFunctionArgs) => noticeFormLoader("contract", request, context, params.ocid);

export const action = ({ request, context, params }: ActionFunctionArgs) => noticeFormAction("contract", request, context, params.ocid);

export default function Page() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<NoticeActionData>();
  return <NoticePage d={d} a={a} action={`/publish/${encodeURIComponent(d.process?.ocid ?? "")}/contract`} />;
}
