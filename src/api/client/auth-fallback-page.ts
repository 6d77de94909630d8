/**
 * The HTML of the User-Interactive Authentication fallback pages (auth-fallback.ts): the stage's
 * form, the page saying the stage is complete, and the error page.
 * https://spec.matrix.org/v1.19/client-server-api/#fallback
 *
 * Self-contained pages (html-page.ts): the form posts back here, the completion page runs the
 * spec's script, and nothing may frame them (a password form must not be clickjacked).
 */
import type { RawResponse } from "../../http/raw-response.js";
import { escapeHtml, fieldsHtml, htmlPage, pageHeaders, type PageField } from "./html-page.js";

/** What the form of a stage shows. */
export interface FallbackForm {
  readonly title: string;
  /** One sentence above the fields. */
  readonly intro: string;
  readonly fields: readonly PageField[];
  /** The UIA session, sent back with the form. */
  readonly sessionId: string;
  /** Why the last submission failed; null on the first showing. */
  readonly error: string | null;
}

/** The spec's completion script: "This page must use the following JavaScript …". */
const DONE_SCRIPT =
  'if (window.onAuthDone) { window.onAuthDone(); } else if (window.opener && window.opener.postMessage) { window.opener.postMessage("authDone", "*"); }';

const HEADERS = pageHeaders({ scripts: [DONE_SCRIPT], formAction: "'self'", connectSelf: false, frameAncestors: "'none'" });

/** The stage's form, posting back to this page's URL (no `action`: the same path and query). */
export function formPage(form: FallbackForm): RawResponse {
  const error = form.error === null ? "" : `<p class="error" role="alert">${escapeHtml(form.error)}</p>`;
  const body =
    `<h1>${escapeHtml(form.title)}</h1><p>${escapeHtml(form.intro)}</p>${error}` +
    `<form method="post"><input type="hidden" name="session" value="${escapeHtml(form.sessionId)}">` +
    `${fieldsHtml(form.fields)}<button type="submit">Continue</button></form>`;
  return htmlPage(200, form.title, body, HEADERS);
}

/** The stage is complete: tell the client (the spec's script) and the user. */
export function donePage(): RawResponse {
  const body =
    "<h1>Authentication complete</h1><p>You may close this window and return to your application.</p>" + `<script>${DONE_SCRIPT}</script>`;
  return htmlPage(200, "Authentication complete", body, HEADERS);
}

/** A page that cannot be shown (unknown session, stage not offered): its HTTP status and why. */
export function errorPage(status: number, message: string): RawResponse {
  return htmlPage(status, "Authentication failed", `<h1>Authentication failed</h1><p class="error">${escapeHtml(message)}</p>`, HEADERS);
}
