import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { type NoticeActionData, NoticePage, noticeTitle } from "../components/publish/NoticePage";
import { noticeFormAction, noticeFormLoader } from "../services/publish-forms.server";

export const meta: MetaFunction = () => [{ title: `${noticeTitle("tender")} – Public Tech Procurement Register` }];

export const loader = ({ request, context }: LoaderFunctionArgs) => noticeFormLoader("tender", request, context, undefined);

export const action = ({ request, context }: ActionFunctionArgs) => noticeFormAction("tender", request, context, undefined);

export default function Page() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<NoticeActionData>();
  return <NoticePage d={d} a={a} action={"/publish/tender"} />;
}
