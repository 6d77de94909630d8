/**
 * Password hashing with scrypt (memory-hard, in node:crypto). Stored hashes are self-describing,
 * `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt b64>$<hash b64>`, so the cost can be raised later and old
 * hashes still verify (and can be re-hashed on the next successful login: `needsRehash`).
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

export interface ScryptCost {
  /** log2 of scrypt's N (CPU/memory cost). 15 → 32 MiB per hash with r=8. */
  logN: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { logN: 15, r: 8, p: 1 };

const KEY_LENGTH = 32;
const PREFIX = "$scrypt$";

function scryptAsync(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.logN;
  return new Promise((resolve, reject) => {
    // maxmem must cover 128 * N * r bytes plus slack, or node refuses large costs.
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } | null {
  if (!stored.startsWith(PREFIX)) return null;
  const [params, saltB64, hashB64] = stored.slice(PREFIX.length).split("$");
  if (params === undefined || saltB64 === undefined || hashB64 === undefined) return null;
  const m = /^ln=(\d+),r=(\d+),p=(\d+)$/.exec(params);
  if (!m) return null;
  const cost = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.logN < 1 || cost.logN > 22 || cost.r < 1 || cost.p < 1) return null;
  return { cost, salt: Buffer.from(saltB64, "base64"), hash: Buffer.from(hashB64, "base64") };
}

export class PasswordHasher {
  constructor(private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await scryptAsync(password, salt, this.cost);
    const { logN, r, p } = this.cost;
    return `${PREFIX}ln=${logN},r=${r},p=${p}$${salt.toString("base64")}$${key.toString("base64")}`;
  }

  /** False for a wrong password and for a stored hash this hasher cannot read. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parseHash(stored);
    if (!parsed) return false;
    const key = await scryptAsync(password, parsed.salt, parsed.cost);
    return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
  }

  /** True when the stored hash was made with another cost than the configured one. */
  needsRehash(stored: string): boolean {
    const parsed = parseHash(stored);
    return !parsed || parsed.cost.logN !== this.cost.logN || parsed.cost.r !== this.cost.r || parsed.cost.p !== this.cost.p;
  }
}
