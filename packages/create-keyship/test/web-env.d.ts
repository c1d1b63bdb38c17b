/**
 * What Vite's `vite/client` types give the template's web app (Vite is not installed in this
 * repository): `import.meta.env` and CSS imports. Used by tsconfig.web.json only.
 */
interface ImportMetaEnv {
  readonly VITE_PASSWORDS?: string;
  readonly VITE_RECOVERY_EMAIL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

declare module "*.css" {}
