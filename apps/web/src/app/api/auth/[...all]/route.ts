import { getAuth } from "@flowgate/api/auth";

export const dynamic = "force-dynamic";

// getAuth() is called per request, so building the app never opens a database connection.
export function GET(request: Request) {
  return getAuth().handler(request);
}

export function POST(request: Request) {
  return getAuth().handler(request);
}
