/**
 * Splits a server name into host and port.
 * https://spec.matrix.org/v1.19/appendices/#server-name
 *
 * The host keeps no brackets: "[::1]:8448" gives { host: "::1", port: 8448 }. The name is assumed
 * to match the grammar already (config-schema.ts SERVER_NAME_PATTERN).
 */
export function splitServerName(serverName: string): { host: string; port: number | null } {
  if (serverName.startsWith("[")) {
    const close = serverName.indexOf("]");
    const host = serverName.slice(1, close);
    const rest = serverName.slice(close + 1);
    return { host, port: rest.startsWith(":") ? Number(rest.slice(1)) : null };
  }
  const colon = serverName.lastIndexOf(":");
  if (colon < 0) return { host: serverName, port: null };
  return { host: serverName.slice(0, colon), port: Number(serverName.slice(colon + 1)) };
}
