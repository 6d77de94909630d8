/** The error `work` rejects with, or null if it resolves: for asserting on typed storage errors. */
export async function rejection(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
    return null;
  } catch (err) {
    return err;
  }
}
