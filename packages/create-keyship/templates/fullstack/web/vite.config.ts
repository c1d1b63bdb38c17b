/**
 * Vite serves the web app and proxies the API, so the browser sees ONE origin
 * (http://localhost:5173): WebAuthn binds passkeys to it, and KEYSHIP_ORIGIN in api/.env names it.
 */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const api = `http://127.0.0.1:${process.env.KEYSHIP_PORT ?? "8787"}`;
const proxied = ["/api", "/auth", "/health", "/docs", "/openapi.json"];

export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    strictPort: true,
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: api }])),
  },
});
