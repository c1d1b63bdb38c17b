import { describe, expect, it } from "vitest";
import {
  buildLink,
  emailVerificationEmail,
  escapeHtml,
  passwordResetEmail,
} from "../../src/email/templates.ts";
import { KeyshipConfigError } from "../../src/errors.ts";
import { firstHref, tokenOf } from "./smtp-capture.ts";

describe("buildLink", () => {
  it("puts the token in the fragment by default", () => {
    expect(buildLink("https://app.example.test", "/reset-password", "abc")).toBe(
      "https://app.example.test/reset-password#token=abc",
    );
  });

  it("can put the token in the query", () => {
    expect(
      buildLink("https://app.example.test", "/verify-email", "abc", { placement: "query" }),
    ).toBe("https://app.example.test/verify-email?token=abc");
  });

  it("keeps the app URL's base path and the path's own query", () => {
    const link = buildLink("https://example.test/app/", "/reset?lang=fr", "abc");
    expect(link).toBe("https://example.test/app/reset?lang=fr#token=abc");
  });

  it("encodes any token so it round-trips", () => {
    const token = "a&b=c#d?e/f+g h<é>";
    expect(tokenOf(buildLink("https://app.example.test", "/r", token))).toBe(token);
    expect(
      tokenOf(buildLink("https://app.example.test", "/r", token, { placement: "query" })),
    ).toBe(token);
  });

  it.each([
    ["a protocol-relative path", "https://app.example.test", "//evil.test/x"],
    ["a backslash path", "https://app.example.test", "/\\evil.test/x"],
    ["a relative path", "https://app.example.test", "reset"],
    ["a full URL as path", "https://app.example.test", "https://evil.test/x"],
    ["a javascript: app URL", "javascript:alert(1)", "/x"],
    ["a non-URL app URL", "app.example.test", "/x"],
  ])("refuses %s", (_label, appUrl, path) => {
    expect(() => buildLink(appUrl, path, "abc")).toThrow(KeyshipConfigError);
  });

  it("refuses an empty token", () => {
    expect(() => buildLink("https://app.example.test", "/r", "")).toThrow(KeyshipConfigError);
  });
});

describe("escapeHtml", () => {
  it("escapes the five significant characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});

describe("link emails", () => {
  const hostile = `Acme"><script>alert(1)</script>`;

  it.each([
    ["password reset", passwordResetEmail],
    ["email verification", emailVerificationEmail],
  ])("%s escapes every inserted value in the HTML", (_label, template) => {
    const message = template({
      to: "ada@example.test",
      appUrl: "https://app.example.test",
      token: `t"><img src=x onerror=alert(1)>`,
      appName: hostile,
    });
    expect(message.html).not.toContain("<script>");
    expect(message.html).not.toContain("<img");
    expect(message.html).toContain(escapeHtml(hostile));
    expect(tokenOf(firstHref(message.html))).toBe(`t"><img src=x onerror=alert(1)>`);
  });

  it("states the lifetime and uses the default path", () => {
    const message = passwordResetEmail({
      to: "ada@example.test",
      appUrl: "https://app.example.test",
      token: "abc",
      expiresInMinutes: 60,
    });
    expect(message.subject).toBe("Reset your app.example.test password");
    expect(message.text).toContain("1 hour");
    expect(message.text).toContain("https://app.example.test/reset-password#token=abc");
  });

  it("refuses an app name that would split the subject header", () => {
    expect(() =>
      emailVerificationEmail({
        to: "ada@example.test",
        appUrl: "https://app.example.test",
        token: "abc",
        appName: "Acme\r\nBcc: eve@evil.test",
      }),
    ).toThrow(KeyshipConfigError);
  });
});
