/** The MatrixError a promise rejects with; anything else (or resolving) fails the test. */
import { MatrixError } from "../../src/matrix/errors.js";

export async function matrixFailure(promise: Promise<unknown>): Promise<MatrixError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MatrixError) return err;
    throw err;
  }
  throw new Error("expected a MatrixError");
}
