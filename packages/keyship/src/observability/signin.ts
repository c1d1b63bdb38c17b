/**
 * Sign-in instrumentation: a span and the `keyship_signin_total` counter around a sign-in.
 * @module
 */
import { recordSignIn } from "./metrics.ts";
import { withSpan } from "./tracing.ts";

/**
 * Runs a sign-in inside a `keyship.signin.<method>` span and counts its outcome.
 * @param method a short lowercase word: `passkey`, `password`, `oauth`…
 * @param signIn the sign-in itself
 * @example return observeSignIn("passkey", () => finishLogin(ctx, input));
 */
export async function observeSignIn<T>(method: string, signIn: () => Promise<T>): Promise<T> {
  try {
    const result = await withSpan(
      `keyship.signin.${method}`,
      { "keyship.signin.method": method },
      () => signIn(),
    );
    recordSignIn(method, "success");
    return result;
  } catch (error) {
    recordSignIn(method, "failure");
    throw error;
  }
}
