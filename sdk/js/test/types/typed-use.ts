// Typed use of the package: `tsc --strict` must accept this file (test/types.test.mjs).
import { LeadNod, NotFoundError, RateLimitError, webhooks, type Opportunity, type OpportunityCreate } from "@leadnod/sdk";

export async function example(client: LeadNod): Promise<string[]> {
  const me = await client.users.me();
  const role: "owner" | "admin" | "member" | null | undefined = me.role;
  const body: OpportunityCreate = {
    title: "Enterprise Account Executive", industry: "saas", compensation_model: "hybrid",
    base_salary_range: { min: 80000, max: 120000 }, commission_rate: 0.1, duration: "ongoing",
    requirements: ["5+ years experience"],
  };
  const opportunity: Opportunity = await client.opportunities.create(body, { idempotencyKey: "k", timeout: 5000 });
  const page = await client.opportunities.list({ limit: 5, status: "open" });
  const hasMore: boolean = page.hasMore;
  const titles: string[] = [];
  for await (const o of client.opportunities.list({ limit: 50 })) titles.push(o.title);
  const matches = await client.opportunities.matches(opportunity.id);
  const matchedAt: string | null = matches.body.matched_at;
  try {
    await client.opportunities.retrieve("opp_missing", { signal: AbortSignal.timeout(1000) });
  } catch (error) {
    if (error instanceof NotFoundError) titles.push(`${error.status} ${error.code} ${error.requestId}`);
    if (error instanceof RateLimitError) titles.push(String(error.retryAfter));
  }
  const event = webhooks.constructEvent("{}", "sig", "whsec_x");
  if (event.type === "engagement.created") titles.push(event.data.engagement_id);
  const ok: true = webhooks.verify("{}", "sig", "whsec_x");
  return [role ?? "", String(hasMore), String(matchedAt), String(ok), ...titles];
}
