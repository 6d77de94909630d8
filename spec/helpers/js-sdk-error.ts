/** For the matrix-js-sdk integration suites: the MatrixError an SDK request failed with. */
import { MatrixError } from "matrix-js-sdk";

export async function sdkMatrixError(promise: Promise<unknown>): Promise<MatrixError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MatrixError) return err;
    throw err;
  }
  throw new Error("expected the request to fail");
}
