import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";
import { decrypt, encrypt, encryptionKeys } from "../../src/crypto/index.ts";
import { tempDirIo } from "./env-io.ts";

const EXISTING =
  "# staging\r\nKEYSHIP_RP_ID=staging.example.com\r\n\r\n# old key\r\nKEYSHIP_SESSION_SECRET=old\r\nOTHER='keep me'  # note\r\n";

describe("keyship keygen", () => {
  it.each([
    ["secret", /^[\w-]{43}$/],
    ["aes", /^[0-9a-f]{8}:[\w-]{43}$/],
    ["es256", /^\{"kty":"EC".*"alg":"ES256","use":"sig"\}$/],
  ])("prints a %s key to stdout when no file is named", async (type, pattern) => {
    const io = await tempDirIo();
    expect(await runCli(["keygen", "--type", type], io)).toBe(0);
    expect(io.lines).toHaveLength(1);
    expect(io.lines[0]).toMatch(pattern);
  });

  it("updates only that variable in an existing file, keeping other lines byte for byte", async () => {
    const io = await tempDirIo();
    const path = join(io.cwd, ".env.production");
    await writeFile(path, EXISTING);
    expect(await runCli(["keygen", "--type", "secret", "--dotenv", ".env.production"], io)).toBe(0);
    const after = await readFile(path, "utf8");
    const secret = parseEnv(after).KEYSHIP_SESSION_SECRET!;
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(after).toBe(
      EXISTING.replace("KEYSHIP_SESSION_SECRET=old", `KEYSHIP_SESSION_SECRET=${secret}`),
    );
    expect(io.lines.join("\n")).not.toContain(secret);
  });

  it("writes a fresh key into each named file, under --name", async () => {
    const io = await tempDirIo();
    await writeFile(join(io.cwd, ".env.a"), "A=1\n");
    const argv = ["keygen", "--type", "aes", "--name", "APP_DATA_KEY"];
    expect(await runCli([...argv, "--dotenv", ".env.a", "--dotenv", ".env.b"], io)).toBe(0);
    const a = await readFile(join(io.cwd, ".env.a"), "utf8");
    const b = parseEnv(await readFile(join(io.cwd, ".env.b"), "utf8"));
    expect(a).toMatch(/^A=1\nAPP_DATA_KEY=[0-9a-f]{8}:[\w-]{43}\n$/);
    expect(b.APP_DATA_KEY).toMatch(/^[0-9a-f]{8}:[\w-]{43}$/);
    expect(parseEnv(a).APP_DATA_KEY).not.toBe(b.APP_DATA_KEY);
    expect(io.lines).toEqual(["added APP_DATA_KEY in .env.a", "added APP_DATA_KEY in .env.b"]);
  });

  it("writes an es256 JWK that reads back as JSON", async () => {
    const io = await tempDirIo();
    expect(await runCli(["keygen", "--type", "es256", "--dotenv", ".env"], io)).toBe(0);
    const env = parseEnv(await readFile(join(io.cwd, ".env"), "utf8"));
    const keys = JSON.parse(env.KEYSHIP_SESSION_PRIVATE_KEYS!) as object[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
  });

  it("rotates es256 keys: the new key first, the older ones kept, other lines untouched", async () => {
    const io = await tempDirIo();
    const path = join(io.cwd, ".env");
    await writeFile(path, "# top\nA=1\n");
    expect(await runCli(["keygen", "--type", "es256", "--dotenv", ".env"], io)).toBe(0);
    const first = JSON.parse(
      parseEnv(await readFile(path, "utf8")).KEYSHIP_SESSION_PRIVATE_KEYS!,
    ) as Array<{ kid: string }>;
    expect(await runCli(["keygen", "--type", "es256", "--dotenv", ".env"], io)).toBe(0);
    const after = await readFile(path, "utf8");
    const keys = JSON.parse(parseEnv(after).KEYSHIP_SESSION_PRIVATE_KEYS!) as Array<{
      kid: string;
    }>;
    expect(keys.map((k) => k.kid)).toEqual([expect.any(String), first[0]!.kid]);
    expect(keys[0]!.kid).not.toBe(first[0]!.kid);
    expect(after.startsWith("# top\nA=1\n")).toBe(true);
    expect(io.lines.at(-1)).toContain("1 older key kept");
  });

  it("rotates aes keys into KEYSHIP_ENCRYPTION_KEYS, which keyship/crypto reads back", async () => {
    const io = await tempDirIo();
    const path = join(io.cwd, ".env");
    expect(await runCli(["keygen", "--type", "aes", "--dotenv", ".env"], io)).toBe(0);
    const first = parseEnv(await readFile(path, "utf8")).KEYSHIP_ENCRYPTION_KEYS!;
    const sealed = encrypt("kept", encryptionKeys(first));
    expect(await runCli(["keygen", "--type", "aes", "--dotenv", ".env"], io)).toBe(0);
    const value = parseEnv(await readFile(path, "utf8")).KEYSHIP_ENCRYPTION_KEYS!;
    expect(value).toMatch(/^[0-9a-f]{8}:[\w-]{43},[0-9a-f]{8}:[\w-]{43}$/);
    expect(value.endsWith(`,${first}`)).toBe(true);
    expect(io.lines.at(-1)).toContain("1 older key kept for decryption");
    const keys = encryptionKeys(undefined, { KEYSHIP_ENCRYPTION_KEYS: value });
    expect(keys.currentKid).not.toBe(first.split(":")[0]);
    expect(decrypt(sealed, keys)).toBe("kept");
  });

  it.each([[[]], [["--type", "rsa"]], [["--type", "secret", "--name", "1X"]]])(
    "exits 2 on %j",
    async (flags) => {
      expect(await runCli(["keygen", ...flags], await tempDirIo())).toBe(2);
    },
  );
});

describe("keygen --dotenv through the real Node binary", () => {
  it("creates a file that does not exist yet (Node would take --env-file for itself)", async () => {
    const { execFileSync } = await import("node:child_process");
    const { mkdtempSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "keyship-keygen-"));
    const main = join(import.meta.dirname, "../../src/cli/main.ts");
    execFileSync(
      process.execPath,
      ["--conditions=keyship-source", main, "keygen", "--type", "secret", "--dotenv", "new.env"],
      { cwd: dir, stdio: "pipe" },
    );
    expect(readFileSync(join(dir, "new.env"), "utf8")).toMatch(/^KEYSHIP_SESSION_SECRET=\S{43,}$/m);
  });
});
