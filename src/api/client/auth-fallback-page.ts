/**
 * The HTML of the User-Interactive Authentication fallback pages (auth-fallback.ts): the stage's
 * form, the page saying the stage is complete, and the error page.
 * https://spec.matrix.org/v1.19/client-server-api/#fallback
 *
 * Self-contained: no external resources, one inline style and one inline script, both allowed by
 * their hashes in a Content-Security-Policy that allows nothing else. Every value put into the
 * HTML goes through escapeHtml.
 */
import { createHash } from "node:crypto";
import { rawResponse, type RawResponse } from "../../http/raw-response.js";

/** One input of a stage's form. */
export interface FallbackField {
  /** The form field's name. */
  readonly name: string;
  readonly label: string;
  readonly type: "text" | "password";
  readonly autocomplete: string;
}

/** What the form of a stage shows. */
export interface FallbackForm {
  readonly title: string;
  /** One sentence above the fields. */
  readonly intro: string;
  readonly fields: readonly FallbackField[];
  /** The UIA session, sent back with the form. */
  readonly sessionId: string;
  /** Why the last submission failed; null on the first showing. */
  readonly error: string | null;
}

const STYLE =
  "body{font-family:system-ui,sans-serif;margin:0;padding:2rem 1rem;color:#1b1d22;background:#f4f6fa}" +
  "main{max-width:26rem;margin:0 auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}" +
  "h1{font-size:1.3rem;margin-top:0}label{display:block;margin:1rem 0 .25rem}" +
  "input{box-sizing:border-box;width:100%;padding:.5rem;font-size:1rem}" +
  "button{margin-top:1.25rem;padding:.5rem 1.25rem;font-size:1rem}" +
  ".error{color:#b00020;font-weight:600}";

/** The spec's completion script: "This page must use the following JavaScript …". */
const DONE_SCRIPT =
  'if (window.onAuthDone) { window.onAuthDone(); } else if (window.opener && window.opener.postMessage) { window.opener.postMessage("authDone", "*"); }';

function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * Only the page's own style and script run; forms post back here only; no framing (a password
 * form must not be clickjacked); the session ID in the URL leaks to no referrer or cache.
 */
const HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy": [
    "default-src 'none'",
    `style-src ${cspHash(STYLE)}`,
    `script-src ${cspHash(DONE_SCRIPT)}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; "),
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The stage's form, posting back to this page's URL (no `action`: the same path and query). */
export function formPage(form: FallbackForm): RawResponse {
  const fields = form.fields.map((field, i) => {
    const id = `f-${escapeHtml(field.name)}`;
    const autofocus = i === 0 ? " autofocus" : "";
    return (
      `<label for="${id}">${escapeHtml(field.label)}</label>` +
      `<input id="${id}" name="${escapeHtml(field.name)}" type="${escapeHtml(field.type)}" autocomplete="${escapeHtml(field.autocomplete)}" required${autofocus}>`
    );
  });
  const error = form.error === null ? "" : `<p class="error" role="alert">${escapeHtml(form.error)}</p>`;
  const body =
    `<h1>${escapeHtml(form.title)}</h1><p>${escapeHtml(form.intro)}</p>${error}` +
    `<form method="post"><input type="hidden" name="session" value="${escapeHtml(form.sessionId)}">` +
    `${fields.join("")}<button type="submit">Continue</button></form>`;
  return page(200, form.title, body);
}

/** The stage is complete: tell the client (the spec's script) and the user. */
export function donePage(): RawResponse {
  const body =
    "<h1>Authentication complete</h1><p>You may close this window and return to your application.</p>" + `<script>${DONE_SCRIPT}</script>`;
  return page(200, "Authentication complete", body);
}

/** A page that cannot be shown (unknown session, stage not offered): its HTTP status and why. */
export function errorPage(status: number, message: string): RawResponse {
  return page(status, "Authentication failed", `<h1>Authentication failed</h1><p class="error">${escapeHtml(message)}</p>`);
}

function page(status: number, title: string, body: string): RawResponse {
  const html =
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
  return rawResponse(status, html, HEADERS);
}
