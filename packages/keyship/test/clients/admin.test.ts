/**
 * `/admin/api/clients`: admins register, list, rotate and delete OAuth clients (writes after a
 * step-up), the secret is answered once, and every change is audited with the admin as actor.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_CLIENT, ADMIN_EMAILS, eventsOf, get, newAccount, post } from "../admin/fixtures.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, type TestAccount } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import { clientToken } from "./helpers.ts";

interface Created {
  client: { id: string; name: string; scopes: string[]; allowRefresh: boolean };
  clientSecret: string;
}

describe.each(dialects)("the admin API's clients on $name", (dialect) => {
  const suite = useSuite(dialect, { bootstrapAdminEmails: ADMIN_EMAILS });
  let admin: TestAccount;
  beforeAll(async () => {
    admin = await newAccount(suite.app, ADMIN_EMAILS[0] as string);
    await admin.stepUp();
  });
  const create = (body: object) => post(suite.app, admin, "/admin/api/clients", body);
  const remove = async (id: string) =>
    suite.app.request(`/admin/api/clients/${id}`, {
      method: "DELETE",
      headers: { ...(await admin.auth()), ...ADMIN_CLIENT },
    });

  it("registers a client and answers its secret once; the secret gets tokens", async () => {
    const res = await create({ name: "reporting", scopes: ["reports:read"], allowRefresh: true });
    const body = (await res.json()) as Created;
    expect(res.status).toBe(201);
    expect(body).toEqual({
      client: {
        id: expect.stringMatching(/^o[0-9a-z]{31}$/),
        name: "reporting",
        scopes: ["reports:read"],
        allowRefresh: true,
        createdAt: expect.any(String),
        secretRotatedAt: null,
      },
      clientSecret: expect.stringMatching(/^kss_/),
    });
    const token = await clientToken(suite.app, { id: body.client.id, secret: body.clientSecret });
    expect(token.scope).toBe("reports:read");
  });

  it("lists clients without secrets or hashes", async () => {
    await create({ name: "listed", scopes: [] });
    const res = await get(suite.app, admin, "/admin/api/clients");
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(JSON.parse(text).items).toContainEqual(expect.objectContaining({ name: "listed" }));
    expect(text).not.toMatch(/kss_|secret_hash|secretHash/);
  });

  it("refuses a taken name with 409 client.name_taken", async () => {
    await create({ name: "twice", scopes: [] });
    const res = await create({ name: "twice", scopes: [] });
    expect([res.status, await codeOf(res)]).toEqual([409, "client.name_taken"]);
  });

  it.each([
    ["a bad name", { name: "no spaces allowed", scopes: [] }],
    ["a bad scope", { name: "fine", scopes: ["b@d!"] }],
    ["an unknown field", { name: "fine", scopes: [], secret: "mine" }],
  ])("refuses %s with validation.failed", async (_name, body) => {
    const res = await create(body);
    expect([res.status, await codeOf(res)]).toEqual([400, "validation.failed"]);
  });

  it("rotates and deletes, answering 404 for an unknown or deleted client", async () => {
    const { client } = (await (
      await create({ name: "short-lived", scopes: [] })
    ).json()) as Created;
    const rotated = await post(suite.app, admin, `/admin/api/clients/${client.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect((await remove(client.id)).status).toBe(204);
    const again = await remove(client.id);
    expect([again.status, await codeOf(again)]).toEqual([404, "resource.not_found"]);
    const unknown = await post(
      suite.app,
      admin,
      `/admin/api/clients/o${"9".repeat(31)}/rotate-secret`,
    );
    expect([unknown.status, await codeOf(unknown)]).toEqual([404, "resource.not_found"]);
  });

  it("audits every change with the admin as actor", async () => {
    const { client } = (await (await create({ name: "audited", scopes: ["a"] })).json()) as Created;
    await post(suite.app, admin, `/admin/api/clients/${client.id}/rotate-secret`);
    await remove(client.id);
    const events = await eventsOf(suite.app, { target: client.id });
    expect(events.map((e) => [e.action, e.actorId, e.targetType])).toEqual([
      ["client.deleted", admin.userId, "client"],
      ["client.secret_rotated", admin.userId, "client"],
      ["client.created", admin.userId, "client"],
    ]);
    expect(JSON.stringify(events)).not.toContain("kss_");
  });
});
