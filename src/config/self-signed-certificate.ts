/**
 * A self-signed TLS certificate for the federation listener, so a new server starts with working
 * HTTPS. Other servers will not trust it (verify_certificates), but it serves local testing and
 * any deployment that later swaps in a real certificate.
 *
 * The RSA key comes from node:crypto (native, fast); node-forge builds and signs the certificate.
 * node-forge is loaded on the first call only: `hearth start` imports this module (a first run
 * writes a config) but seldom generates a certificate, and forge costs ~2 MiB of heap once loaded.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { isIP } from "node:net";
import type Forge from "node-forge";

const requireCjs = createRequire(import.meta.url);

export interface SelfSignedCertificate {
  certPem: string;
  keyPem: string;
}

export interface SelfSignedCertificateOptions {
  /** Default 2048. */
  rsaBits?: number;
  /** Default 10. */
  validYears?: number;
  /** Default: now. */
  notBefore?: Date;
}

/** Names every local test reaches the server by, besides its own host name. */
const LOCAL_NAMES = ["localhost", "127.0.0.1", "::1"];

/**
 * A certificate for `host` (a DNS name or an IP address without brackets) with subject alternative
 * names for `host`, localhost, 127.0.0.1 and ::1; SHA-256, serverAuth, valid for ten years.
 */
export function generateSelfSignedCertificate(
  host: string,
  options: SelfSignedCertificateOptions = {},
): SelfSignedCertificate {
  const { privateKey: keyPem, publicKey: publicKeyPem } = generateKeyPairSync("rsa", {
    modulusLength: options.rsaBits ?? 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });

  const forge = requireCjs("node-forge") as typeof Forge;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  // A positive serial: clear the top bit so the DER integer is not read as negative.
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  cert.serialNumber = serial.toString("hex");
  const notBefore = options.notBefore ?? new Date();
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + (options.validYears ?? 10));
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;

  const subject = [{ name: "commonName", value: host }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  const names = [host, ...LOCAL_NAMES.filter((name) => name !== host)];
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: names.map((name) => (isIP(name) === 0 ? { type: 2, value: name } : { type: 7, ip: name })) },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}
