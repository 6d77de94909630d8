import { InvalidArgumentError } from "commander";

/** Commander argument parser for a TCP port. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new InvalidArgumentError("Expected an integer from 1 to 65535.");
  }
  return port;
}
