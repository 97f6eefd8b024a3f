// A wrong field type: `tsc --strict` must refuse this file (test/types.test.mjs), at the
// lines marked "expect error".
import { LeadNod } from "@leadnod/sdk";

export async function wrong(client: LeadNod): Promise<void> {
  await client.opportunities.create({ title: 42 }); // expect error: title is a string
  await client.opportunities.create({ title: "AE", commission_rate: "ten percent" }); // expect error
  await client.opportunities.create({ title: "AE", industry: "farming" }); // expect error: not an industry
  const me = await client.users.me();
  const name: number = me.name; // expect error: name is a string
  void name;
}
