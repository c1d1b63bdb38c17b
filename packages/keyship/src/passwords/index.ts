/**
 * Password hashing (argon2id) and the password policy, for apps that handle passwords
 * themselves. Password sign-in routes are turned on with `keyship({ passwords: true })`.
 * @module
 */
export {
  type Argon2Params,
  createPasswordHasher,
  DEFAULT_ARGON2_PARAMS,
  hashPassword,
  needsRehash,
  type PasswordHasher,
  verifyAgainstDummy,
  verifyPassword,
} from "./hash.ts";
export { checkPasswordPolicy, normalizePassword } from "./policy.ts";
