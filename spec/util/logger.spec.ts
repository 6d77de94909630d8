import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, formatPretty } from "../../src/util/logger.js";

function capture(): { lines: string[]; destination: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe("util/logger", () => {
  it("json format writes pino's JSON lines", () => {
    const out = capture();
    const logger = createLogger({ level: "info", format: "json", destination: out.destination });
    logger.info({ roomId: "!r:example.org" }, "joined");
    expect(out.lines).to.have.length(1);
    const record = JSON.parse(out.lines[0] as string) as Record<string, unknown>;
    expect(record).to.include({ level: 30, msg: "joined", roomId: "!r:example.org" });
    expect(record.time).to.be.a("number");
  });

  it("drops records below the level", () => {
    const out = capture();
    const logger = createLogger({ level: "warn", format: "json", destination: out.destination });
    logger.info("quiet");
    logger.warn("loud");
    expect(out.lines).to.have.length(1);
    expect(out.lines[0]).to.include("loud");
  });

  it("pretty format writes one compact line per record", () => {
    const out = capture();
    const logger = createLogger({ level: "debug", format: "pretty", destination: out.destination });
    logger.child({ name: "federation" }).info({ destination: "remote.example", note: "two words", n: 3 }, "sent transaction");
    expect(out.lines).to.have.length(1);
    expect(out.lines[0]).to.match(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO  \[federation\] sent transaction destination=remote\.example note="two words" n=3\n$/,
    );
    expect(out.lines[0]).not.to.include("pid=");
    expect(out.lines[0]).not.to.include("hostname=");
  });

  it("pretty format prints an error's stack on indented lines", () => {
    const out = capture();
    const logger = createLogger({ level: "info", format: "pretty", destination: out.destination });
    logger.error({ err: new Error("kaboom") }, "request failed");
    const [first, ...rest] = (out.lines[0] as string).trimEnd().split("\n");
    expect(first).to.match(/ERROR request failed$/);
    expect(rest[0]).to.equal("    Error: kaboom");
    expect(rest[1]).to.match(/^ {8}at /);
  });

  it("colours the level only when asked", () => {
    const record = { level: 40, time: 0, msg: "careful" };
    expect(formatPretty(record, false)).to.equal("1970-01-01T00:00:00.000Z WARN  careful\n");
    expect(formatPretty(record, true)).to.equal("1970-01-01T00:00:00.000Z \u001b[33mWARN \u001b[0m careful\n");
  });

  it("also appends to a file, creating its directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "hearth-log-"));
    try {
      const file = join(dir, "nested", "hearth.log");
      const out = capture();
      const logger = createLogger({ level: "info", format: "pretty", destination: out.destination, file });
      logger.info("to both");
      logger.flush();
      expect(out.lines[0]).to.include("INFO  to both");
      expect(readFileSync(file, "utf8")).to.equal(out.lines[0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("json format with a file writes the same line to both", () => {
    const dir = mkdtempSync(join(tmpdir(), "hearth-log-"));
    try {
      const file = join(dir, "hearth.log");
      const out = capture();
      const logger = createLogger({ level: "info", format: "json", destination: out.destination, file });
      logger.info({ a: 1 }, "both");
      expect(readFileSync(file, "utf8")).to.equal(out.lines[0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
