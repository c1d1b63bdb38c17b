/**
 * The user page's credential tables: passkeys, devices and sessions, each active one with a
 * confirmed one-click revoke.
 * @module
 */

import { actionButton } from "../actions.ts";
import type { CredentialKind } from "../api.ts";
import type { ConsoleContext } from "../context.ts";
import { badge, type Child, h, idChip, section, table, time } from "../dom.ts";
import { userLink } from "../events.ts";
import type { UserDetail } from "../types.ts";

function stateOf(revokedAt: string | null): Child {
  return revokedAt === null
    ? badge("active", "ok")
    : h("span", null, badge("revoked", "bad"), " ", time(revokedAt));
}

function revokeButton(
  context: ConsoleContext,
  kind: CredentialKind,
  id: string,
  what: string,
  body: string,
) {
  return actionButton(context, {
    label: "Revoke",
    tone: "danger",
    confirm: { title: `Revoke ${what}?`, body, confirmLabel: "Revoke" },
    run: async () => {
      await context.api.revoke(kind, id);
      return `Revoked ${what}.`;
    },
  });
}

function passkeys(context: ConsoleContext, detail: UserDetail): HTMLElement {
  const rows = detail.passkeys.map((passkey) => {
    const name = passkey.name ?? "Unnamed passkey";
    return [
      h("div", { class: "who" }, h("span", null, name), idChip(passkey.id)),
      passkey.backedUp ? "synced" : "this device only",
      time(passkey.createdAt),
      time(passkey.lastUsedAt, "never"),
      stateOf(passkey.revokedAt),
      passkey.revokedAt === null
        ? revokeButton(
            context,
            "passkeys",
            passkey.id,
            `the passkey “${name}”`,
            "It can no longer sign in or confirm actions. This cannot be undone.",
          )
        : null,
    ];
  });
  return section(
    `Passkeys (${detail.passkeys.length})`,
    table(["Passkey", "Kind", "Added", "Last used", "State", ""], rows, "No passkeys."),
  );
}

function devices(context: ConsoleContext, detail: UserDetail): HTMLElement {
  const rows = detail.devices.map((device) => [
    h(
      "div",
      { class: "who" },
      h("span", null, device.label ?? "Unnamed device"),
      idChip(device.id),
    ),
    h("span", { class: "ua" }, device.userAgent ?? "—"),
    time(device.createdAt),
    time(device.lastSeenAt, "never"),
    stateOf(device.revokedAt),
    device.revokedAt === null
      ? revokeButton(
          context,
          "devices",
          device.id,
          `the device “${device.label ?? device.id}”`,
          "Its key stops working at once; that browser is signed out.",
        )
      : null,
  ]);
  return section(
    `Devices (${detail.devices.length})`,
    table(["Device", "User agent", "Bound", "Last seen", "State", ""], rows, "No devices."),
  );
}

function sessions(context: ConsoleContext, detail: UserDetail): HTMLElement {
  const rows = detail.sessions.map((session) => [
    idChip(session.id),
    session.ip ?? "—",
    h("span", { class: "ua" }, session.userAgent ?? "—"),
    time(session.createdAt),
    time(session.expiresAt),
    session.impersonatorId === null
      ? "—"
      : h(
          "span",
          null,
          badge("impersonation", "warn"),
          " ",
          userLink(session.impersonatorId, context.names),
        ),
    revokeButton(
      context,
      "sessions",
      session.id,
      "this session",
      "Its access and refresh tokens stop working at once.",
    ),
  ]);
  return section(
    `Sessions (${detail.sessions.length})`,
    table(
      ["Session", "IP", "User agent", "Started", "Expires", "Impersonated by", ""],
      rows,
      "No active sessions.",
    ),
  );
}

/** The three credential sections of a user. */
export function credentialSections(context: ConsoleContext, detail: UserDetail): HTMLElement[] {
  return [passkeys(context, detail), devices(context, detail), sessions(context, detail)];
}
