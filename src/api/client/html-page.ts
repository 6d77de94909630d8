/**
 * The self-contained HTML pages of the client API: the User-Interactive Authentication fallback
 * pages (auth-fallback-page.ts) and the login fallback (login-fallback-page.ts).
 *
 * No external resources: one inline style and at most one inline script, each allowed by its hash
 * in a Content-Security-Policy that allows nothing else. Every value put into the HTML goes
 * through escapeHtml.
 */
import { createHash } from "node:crypto";
import { rawResponse, type RawResponse } from "../../http/raw-response.js";

/** One labelled input of a page's form. */
export interface PageField {
  /** The form field's name; its input's id is `f-<name>`. */
  readonly name: string;
  readonly label: string;
  readonly type: "text" | "password";
  readonly autocomplete: string;
}

/** What a page may do beyond showing itself; everything else is refused by its CSP. */
export interface PagePolicy {
  /** The inline scripts it runs, allowed by their hashes. */
  readonly scripts: readonly string[];
  /** Where its forms may submit: `'self'` for a form posting back, `'none'` when a script sends it. */
  readonly formAction: "'self'" | "'none'";
  /** Whether its script may call this server (fetch). */
  readonly connectSelf: boolean;
  /** Who may frame it: nobody, or pages of this origin (X-Frame-Options follows). */
  readonly frameAncestors: "'none'" | "'self'";
}

const STYLE =
  "body{font-family:system-ui,sans-serif;margin:0;padding:2rem 1rem;color:#1b1d22;background:#f4f6fa}" +
  "main{max-width:26rem;margin:0 auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}" +
  "h1{font-size:1.3rem;margin-top:0}label{display:block;margin:1rem 0 .25rem}" +
  "input{box-sizing:border-box;width:100%;padding:.5rem;font-size:1rem}" +
  "button{margin-top:1.25rem;padding:.5rem 1.25rem;font-size:1rem}" +
  ".error{color:#b00020;font-weight:600}";

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A CSP source allowing the inline style or script `text`, exactly as it stands in the page. */
export function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * The headers of a page with `policy`: only its own style and scripts run, nothing is loaded from
 * elsewhere, and whatever its URL holds (a session ID, a device ID) leaks to no referrer or cache.
 */
export function pageHeaders(policy: PagePolicy): Readonly<Record<string, string>> {
  const directives = [
    "default-src 'none'",
    `style-src ${cspHash(STYLE)}`,
    ...(policy.scripts.length > 0 ? [`script-src ${policy.scripts.map(cspHash).join(" ")}`] : []),
    ...(policy.connectSelf ? ["connect-src 'self'"] : []),
    `form-action ${policy.formAction}`,
    `frame-ancestors ${policy.frameAncestors}`,
    "base-uri 'none'",
  ];
  return {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": directives.join("; "),
    "X-Frame-Options": policy.frameAncestors === "'self'" ? "SAMEORIGIN" : "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
  };
}

/** A label and an input per field; the first field has the focus. */
export function fieldsHtml(fields: readonly PageField[]): string {
  return fields
    .map((field, i) => {
      const id = `f-${escapeHtml(field.name)}`;
      const autofocus = i === 0 ? " autofocus" : "";
      return (
        `<label for="${id}">${escapeHtml(field.label)}</label>` +
        `<input id="${id}" name="${escapeHtml(field.name)}" type="${escapeHtml(field.type)}" autocomplete="${escapeHtml(field.autocomplete)}" required${autofocus}>`
      );
    })
    .join("");
}

/** The whole document: `title` (escaped here) and `body`, HTML already escaped by the caller. */
export function htmlPage(status: number, title: string, body: string, headers: Readonly<Record<string, string>>): RawResponse {
  const html =
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
  return rawResponse(status, html, headers);
}
