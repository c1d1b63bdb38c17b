/**
 * One user: who they are, the account actions (disable, role, sign out everywhere,
 * impersonate, delete), their scopes, profile fields, credentials and latest events.
 * @module
 */

import { actionButton } from "../actions.ts";
import { describeError } from "../api.ts";
import type { ConsoleContext, PageRenderer } from "../context.ts";
import { badge, clockTime, h, idChip, nameOf, section, time } from "../dom.ts";
import { eventsTable, userIdsOf } from "../events.ts";
import { goTo, href } from "../router.ts";
import type { AdminUser, UserDetail } from "../types.ts";
import { credentialSections } from "./user-credentials.ts";
import { profileSection } from "./user-profile.ts";

function disableAction(context: ConsoleContext, user: AdminUser, name: string): HTMLButtonElement {
  if (user.disabled) {
    return actionButton(context, {
      label: "Enable account",
      tone: "primary",
      run: async () => {
        await context.api.setDisabled(user.id, false);
        return `${name} is enabled again.`;
      },
    });
  }
  return actionButton(context, {
    label: "Disable account",
    tone: "danger",
    confirm: {
      title: `Disable ${name}?`,
      body: "Their devices and sessions stop working at once, and they cannot sign in until the account is enabled again.",
      confirmLabel: "Disable account",
    },
    run: async () => {
      await context.api.setDisabled(user.id, true);
      return `${name} is disabled.`;
    },
  });
}

function roleAction(context: ConsoleContext, user: AdminUser, name: string): HTMLButtonElement {
  const isAdmin = user.role === "admin";
  return actionButton(context, {
    label: isAdmin ? "Remove admin role" : "Make admin",
    tone: isAdmin ? "danger" : "plain",
    confirm: isAdmin
      ? {
          title: `Remove ${name}'s admin role?`,
          body: "They keep their account but lose this console and every admin-only route.",
          confirmLabel: "Remove admin role",
        }
      : {
          title: `Make ${name} an admin?`,
          body: "Admins see every account and the audit log, and can change any account.",
          confirmLabel: "Make admin",
          isDanger: false,
        },
    run: async () => {
      await context.api.updateUser(user.id, { role: isAdmin ? "user" : "admin" });
      return isAdmin ? `${name} is no longer an admin.` : `${name} is now an admin.`;
    },
  });
}

function deleteAction(context: ConsoleContext, user: AdminUser, name: string): HTMLButtonElement {
  return actionButton(context, {
    label: "Delete user",
    tone: "danger",
    confirm: {
      title: `Delete ${name}?`,
      body: "Deletes the account with every passkey, device, session and API key at once. The audit log keeps its events without their personal data. This cannot be undone.",
      confirmLabel: "Delete user",
    },
    run: async () => {
      await context.api.deleteUser(user.id);
      await goTo(href("/users"));
      return `${name} is deleted.`;
    },
    refresh: false,
  });
}

function accountActions(context: ConsoleContext, detail: UserDetail): HTMLElement {
  const { user } = detail;
  const name = nameOf(user);
  const signOut = actionButton(context, {
    label: "Sign out everywhere",
    tone: "danger",
    confirm: {
      title: `Sign ${name} out everywhere?`,
      body: "Revokes every device and session of the account. Passkeys stay, so they can sign in again.",
      confirmLabel: "Sign out everywhere",
    },
    run: async () => {
      const { devices, sessions } = await context.api.revokeSessions(user.id);
      return `Revoked ${devices} device(s) and ${sessions} session(s) of ${name}.`;
    },
  });
  const impersonate =
    user.role === "admin" || user.disabled
      ? null
      : actionButton(context, {
          label: "Impersonate",
          confirm: {
            title: `Impersonate ${name}?`,
            body: "Starts a 15-minute session as this user. The audit log records both of you on every event it causes; actions that need a step-up are refused.",
            confirmLabel: "Impersonate",
          },
          run: async () => {
            const started = await context.api.impersonate(user.id);
            await context.impersonationStarted(started);
            return `Impersonating ${name} until ${clockTime(started.expiresAt)}.`;
          },
          refresh: false,
        });
  return h(
    "div",
    { class: "actions" },
    disableAction(context, user, name),
    roleAction(context, user, name),
    signOut,
    impersonate,
    deleteAction(context, user, name),
  );
}

function scopesForm(context: ConsoleContext, user: AdminUser): HTMLElement {
  const input = h("input", {
    attrs: {
      type: "text",
      name: "scopes",
      value: user.scopes.join(" "),
      placeholder: "e.g. billing:refund docs/read",
    },
  });
  input.id = "user-scopes";
  const save = h("button", { class: "button plain", attrs: { type: "submit" } }, "Save scopes");
  const form = h(
    "form",
    { class: "inline-form" },
    h("label", { attrs: { for: "user-scopes" } }, "Scopes, separated by spaces or commas"),
    h("div", { class: "row" }, input, save),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const scopes = input.value.split(/[\s,]+/).filter((scope) => scope !== "");
    save.disabled = true;
    try {
      await context.api.updateUser(user.id, { scopes });
      context.notify("Scopes saved.", "ok");
      context.refresh();
    } catch (error) {
      context.notify(describeError(error), "bad");
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

function profile(user: AdminUser): HTMLElement {
  const facts: [string, Node | string][] = [
    ["Id", idChip(user.id)],
    ["Email", user.email ?? "—"],
    ["Created", time(user.createdAt)],
    ["Last sign-in", time(user.lastSignInAt, "never")],
  ];
  const list = h("dl", { class: "facts" });
  for (const [term, value] of facts) list.append(h("dt", null, term), h("dd", null, value));
  return list;
}

export const renderUser: PageRenderer = async (context, route) => {
  if (route.page !== "user") throw new Error("not a user route");
  const detail = await context.api.user(route.id);
  context.names.learn([detail.user]);
  await context.names.resolve(userIdsOf(detail.events));
  const { user } = detail;
  const name = nameOf(user);
  const node = h(
    "div",
    null,
    h("p", { class: "crumbs" }, h("a", { attrs: { href: href("/users") } }, "← Users")),
    h(
      "div",
      { class: "page-head" },
      h("h1", { attrs: { tabindex: "-1" } }, name),
      user.role === "admin" ? badge("admin", "info") : badge("user"),
      user.disabled ? badge("disabled", "bad") : badge("active", "ok"),
    ),
    h(
      "section",
      { class: "panel" },
      profile(user),
      accountActions(context, detail),
      scopesForm(context, user),
    ),
    profileSection(context, detail),
    ...credentialSections(context, detail),
    section(
      "Latest events",
      eventsTable(detail.events, context.names, { compact: true }),
      h(
        "p",
        null,
        h(
          "a",
          { attrs: { href: href("/audit", { q: user.id }) } },
          "All events in the audit log →",
        ),
      ),
    ),
  );
  return { title: name, node };
};
