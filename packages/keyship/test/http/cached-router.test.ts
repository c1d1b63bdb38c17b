import { Hono } from "hono";
import type { Result, Router } from "hono/router";
import { TrieRouter } from "hono/router/trie-router";
import { describe, expect, it } from "vitest";
import { CachedRouter } from "../../src/http/cached-router.ts";

/** A TrieRouter that counts how often it is asked to match. */
class CountingRouter<T> implements Router<T> {
  readonly name = "CountingRouter";
  readonly inner = new TrieRouter<T>();
  matches = 0;
  add(method: string, path: string, handler: T): void {
    this.inner.add(method, path, handler);
  }
  match(method: string, path: string): Result<T> {
    this.matches++;
    return this.inner.match(method, path);
  }
}

describe("CachedRouter", () => {
  it("answers a repeated method and path from its cache", () => {
    const counting = new CountingRouter<string>();
    const router = new CachedRouter(counting);
    router.add("GET", "/users/:id", "user");
    const first = router.match("GET", "/users/u1");
    expect(router.match("GET", "/users/u1")).toBe(first);
    expect(counting.matches).toBe(1);
    router.match("POST", "/users/u1");
    router.match("GET", "/users/u2");
    expect(counting.matches).toBe(3);
    expect(router.name).toBe("CachedCountingRouter");
  });

  it("forgets cached results when a route is added", () => {
    const router = new CachedRouter(new TrieRouter<string>());
    router.add("GET", "/a/*", "wild");
    expect(router.match("GET", "/a/b")[0]).toHaveLength(1);
    router.add("GET", "/a/b", "exact");
    expect(router.match("GET", "/a/b")[0]).toHaveLength(2);
  });

  it("keeps at most max results and never caches very long paths", () => {
    const counting = new CountingRouter<string>();
    const router = new CachedRouter(counting, 2);
    router.add("GET", "/*", "any");
    for (const path of ["/a", "/b", "/c", "/a"]) router.match("GET", path);
    expect(counting.matches).toBe(4); // "/a" was dropped when the third path came
    const long = `/${"x".repeat(300)}`;
    router.match("GET", long);
    router.match("GET", long);
    expect(counting.matches).toBe(6);
  });

  it("serves a Hono app with path parameters intact", async () => {
    const app = new Hono({ router: new CachedRouter(new TrieRouter()) });
    app.get("/users/:id", (c) => c.text(c.req.param("id")));
    expect(await (await app.request("/users/u1")).text()).toBe("u1");
    expect(await (await app.request("/users/u2")).text()).toBe("u2");
    expect(await (await app.request("/users/u1")).text()).toBe("u1");
  });
});
