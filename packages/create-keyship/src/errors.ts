/**
 * The one error type of create-keyship.
 * @module
 */

/** A problem with the options or the target directory (the CLI prints it and exits 1). */
export class CreateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CreateError";
  }
}
