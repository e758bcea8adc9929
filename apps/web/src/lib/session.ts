import { getAuth } from "@flowgate/api/auth";
import { headers } from "next/headers";

/** The signed-in session for this request, or null. Server components and route handlers only. */
export async function getSession() {
  return getAuth().api.getSession({ headers: await headers() });
}
