/**
 * The HTML and JavaScript of the login fallback page (login-fallback.ts).
 * https://spec.matrix.org/v1.19/client-server-api/#login-fallback
 *
 * > This returns an HTML and JavaScript page which can perform the entire login process. The page
 * > will attempt to call the JavaScript function `window.matrixLogin.onLogin(response)` when login
 * > has been successfully completed.
 *
 * The page's script logs in with `m.login.password` through `POST /_matrix/client/v3/login`, the
 * same endpoint any client calls, adding the non-credential `/login` parameters of the page's query
 * string (`device_id`, `initial_device_display_name`, `refresh_token`). On success it calls
 * `window.matrixLogin.onLogin` with the parsed response body: a no-op that the embedding client
 * replaces (a WebView injects a script; a page of this origin framing it sets it), kept when the
 * client defined it before the page's script ran. A refusal (403 M_FORBIDDEN, 429
 * M_LIMIT_EXCEEDED …) is shown on the page and the form is offered again.
 *
 * A self-contained page (html-page.ts): its script may call this server and nothing else, its form
 * can never be submitted by the browser (the script sends it, so a password never lands in a URL),
 * and only pages of this origin may frame it: a client of another origin could not reach
 * `window.matrixLogin` anyway.
 */
import type { RawResponse } from "../../http/raw-response.js";
import { escapeHtml, fieldsHtml, htmlPage, pageHeaders } from "./html-page.js";

/**
 * The page's script, allowed by its hash. It reads the elements `login-form`, `f-user`,
 * `f-password`, `login-button` and `login-status`, and runs at the end of the body. The submit
 * listener returns the login attempt's promise (browsers ignore it; tests wait on it).
 */
const SCRIPT = `(function () {
  "use strict";
  var LOGIN_URL = "/_matrix/client/v3/login";

  var matrixLogin = window.matrixLogin || (window.matrixLogin = {});
  if (typeof matrixLogin.onLogin !== "function") {
    // Replaced by the embedding client to receive the /login response.
    matrixLogin.onLogin = function (response) {};
  }

  var form = document.getElementById("login-form");
  var user = document.getElementById("f-user");
  var password = document.getElementById("f-password");
  var button = document.getElementById("login-button");
  var feedback = document.getElementById("login-status");

  function show(text, isError) {
    feedback.textContent = text;
    feedback.className = isError ? "error" : "";
  }

  function fail(text) {
    show(text, true);
    button.disabled = false;
  }

  // The /login parameters of the query string that are not credentials; nothing else is taken.
  function forwardedParameters() {
    var query = new URLSearchParams(window.location.search);
    var body = {};
    ["device_id", "initial_device_display_name"].forEach(function (name) {
      var value = query.get(name);
      if (value) body[name] = value;
    });
    var refresh = query.get("refresh_token");
    if (refresh === "true" || refresh === "false") body.refresh_token = refresh === "true";
    return body;
  }

  function describeFailure(httpStatus, error) {
    if (error === null || typeof error !== "object" || typeof error.errcode !== "string") {
      return "Login failed (HTTP " + httpStatus + ")";
    }
    var text = typeof error.error === "string" && error.error !== "" ? error.error : "Login failed";
    if (error.errcode === "M_LIMIT_EXCEEDED" && typeof error.retry_after_ms === "number") {
      text = "Too many attempts: try again in " + Math.ceil(error.retry_after_ms / 1000) + " seconds";
    }
    return text + " (" + error.errcode + ")";
  }

  async function logIn(body) {
    var response;
    try {
      response = await fetch(LOGIN_URL, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    } catch (e) {
      fail("Could not reach the server. Try again.");
      return;
    }
    var result = null;
    try {
      result = await response.json();
    } catch (e) {
      result = null;
    }
    if (!response.ok || result === null || typeof result.access_token !== "string") {
      fail(describeFailure(response.status, result));
      return;
    }
    password.value = "";
    form.hidden = true;
    show("Logged in as " + result.user_id + ".", false);
    window.matrixLogin.onLogin(result);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) return;
    var body = forwardedParameters();
    body.type = "m.login.password";
    body.identifier = { type: "m.id.user", user: user.value.trim() };
    body.password = password.value;
    button.disabled = true;
    show("Logging in...", false);
    return logIn(body);
  });
})();`;

const HEADERS = pageHeaders({ scripts: [SCRIPT], formAction: "'none'", connectSelf: true, frameAncestors: "'self'" });

/** The login page of `serverName`. */
export function loginFallbackPage(serverName: string): RawResponse {
  const fields = fieldsHtml([
    { name: "user", label: "Username or Matrix ID", type: "text", autocomplete: "username" },
    { name: "password", label: "Password", type: "password", autocomplete: "current-password" },
  ]);
  const body =
    `<h1>Log in</h1><p>Log in to <strong>${escapeHtml(serverName)}</strong> with your username and password.</p>` +
    '<p id="login-status" role="status" aria-live="polite"></p>' +
    `<form id="login-form" method="post">${fields}<button id="login-button" type="submit">Log in</button></form>` +
    '<noscript><p class="error">This page needs JavaScript to log in.</p></noscript>' +
    `<script>${SCRIPT}</script>`;
  return htmlPage(200, "Log in", body, HEADERS);
}
