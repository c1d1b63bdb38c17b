/** Reads the problem list of a `KeyshipConfigError`. */
import { KeyshipConfigError } from "../../src/errors.ts";

/**
 * The problems of the `KeyshipConfigError` that `run` throws.
 * @throws Error when `run` throws nothing, or rethrows any other error
 */
export function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof KeyshipConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a KeyshipConfigError");
}
