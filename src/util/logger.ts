/**
 * The process logger: pino, writing either pino's own JSON lines (`json`) or a compact
 * single-line human format (`pretty`), to stdout and optionally also to a file.
 *
 * pretty: `2025-01-02T03:04:05.678Z INFO  [name] message key=value key2="a b"`, followed by the
 * indented stack trace when an `err` is logged.
 */
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

export type LoggerLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

export interface LoggerOptions {
  level: LoggerLevel;
  format: "pretty" | "json";
  /** Also append log lines to this file (created with its directory if missing). */
  file?: string;
  /** Where lines go instead of stdout (tests). */
  destination?: DestinationStream;
  /** ANSI colours in pretty lines; defaults to whether stdout is a terminal (never in the file). */
  color?: boolean;
}

const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const LEVEL_COLORS: Readonly<Record<number, string>> = { 10: "90", 20: "36", 30: "32", 40: "33", 50: "31", 60: "35" };
/** Fields the pretty format shows in its own way (or, for pid and hostname, not at all). */
const SHOWN_APART = new Set(["level", "time", "msg", "name", "pid", "hostname", "err"]);
const BARE_VALUE = /^[^\s"=\\]+$/;

export function createLogger(options: LoggerOptions): Logger {
  const outputs: Array<{ stream: DestinationStream; color: boolean }> = [
    {
      stream: options.destination ?? pino.destination({ dest: 1, sync: true }),
      color: options.color ?? (options.destination === undefined && process.stdout.isTTY === true),
    },
  ];
  if (options.file !== undefined) {
    outputs.push({ stream: pino.destination({ dest: options.file, mkdir: true, append: true, sync: true }), color: false });
  }
  const stream: DestinationStream =
    options.format === "pretty"
      ? prettyStream(outputs)
      : outputs.length === 1
        ? (outputs[0] as { stream: DestinationStream }).stream
        : { write: (line) => outputs.forEach((output) => output.stream.write(line)) };
  return pino({ level: options.level }, stream);
}

function prettyStream(outputs: ReadonlyArray<{ stream: DestinationStream; color: boolean }>): DestinationStream {
  return {
    write(line: string): void {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        for (const output of outputs) output.stream.write(line);
        return;
      }
      for (const output of outputs) output.stream.write(formatPretty(record, output.color));
    },
  };
}

/** One pino record as a pretty line (ending in "\n"). */
export function formatPretty(record: Record<string, unknown>, color: boolean): string {
  const level = typeof record.level === "number" ? record.level : 30;
  const levelName = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  let out = typeof record.time === "number" ? new Date(record.time).toISOString() : "";
  out += " " + (color ? `\u001b[${LEVEL_COLORS[level] ?? "0"}m${levelName}\u001b[0m` : levelName);
  if (typeof record.name === "string") out += ` [${record.name}]`;
  if (record.msg !== undefined) out += " " + String(record.msg);
  for (const key in record) {
    if (!SHOWN_APART.has(key)) out += ` ${key}=${formatValue(record[key])}`;
  }
  const err = record.err as { type?: unknown; message?: unknown; stack?: unknown } | undefined;
  if (err !== undefined && err !== null) {
    out += typeof err.stack === "string" ? "\n    " + err.stack.split("\n").join("\n    ") : ` err=${formatValue(err)}`;
  }
  return out + "\n";
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return BARE_VALUE.test(value) ? value : JSON.stringify(value);
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}
