/** The error a promise rejects with (as `{errcode, status}` for MatrixErrors), or null when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ errcode?: string; status?: number } | null> {
  try {
    await promise;
    return null;
  } catch (err) {
    return err as { errcode?: string; status?: number };
  }
}
