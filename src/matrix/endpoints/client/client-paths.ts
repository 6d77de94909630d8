/**
 * The path history of a client-server endpoint that exists since r0: the r0 form, then the v3
 * form. `clientPaths("/user/:userId/filter")` → both full paths.
 */
export function clientPaths(path: string): readonly string[] {
  return [`/_matrix/client/r0${path}`, `/_matrix/client/v3${path}`];
}
