/**
 * The User-Interactive Authentication fallback pages, one per stage type this server offers.
 * https://spec.matrix.org/v1.19/client-server-api/#fallback
 *
 * "This MUST return an HTML page which can perform this authentication stage." The form posts
 * back to the same URL; the server turns it into the stage's `auth` dict and completes the stage
 * in the session through the UIA service, exactly as that dict on the session's own request
 * would. Then the page runs the spec's script (`window.onAuthDone()`, else `"authDone"` posted to
 * `window.opener`), and the client resubmits its request with just the session.
 *
 * - a stage type without a page: 404 M_UNRECOGNIZED (JSON);
 * - no `session`, or an unknown or expired one: an error page, 400 (as the API's M_INVALID_PARAM);
 * - a stage that is neither completed nor the next of a flow the session offers: an error page, 403;
 * - a stage the session completed already: the completion page;
 * - a refused attempt (wrong password, invalid token): the form again, with the reason.
 */
import type { getAuthFallback, submitAuthFallback } from "../../matrix/endpoints/client/auth-fallback.js";
import { LoginType } from "../../matrix/endpoints/client/account-auth.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { EndpointHandler, RawQuery } from "../../http/endpoint-types.js";
import type { RawResponse } from "../../http/raw-response.js";
import { UiaStageFailure, type UiaFallbackStage, type UiaService } from "../../services/auth/uiaa.js";
import { donePage, errorPage, formPage, type FallbackForm } from "./auth-fallback-page.js";
import type { PageField } from "./html-page.js";

export interface AuthFallbackDeps {
  readonly uia: Pick<UiaService, "describeFallbackStage" | "completeFallbackStage">;
}

/** A stage's page: what its form asks, and the `auth` dict the answers make. */
interface FallbackStage {
  readonly title: string;
  intro(stage: UiaFallbackStage): string;
  fields(stage: UiaFallbackStage): PageField[];
  auth(form: URLSearchParams, stage: UiaFallbackStage): Record<string, unknown>;
}

const PASSWORD_FIELD: PageField = { name: "password", label: "Password", type: "password", autocomplete: "current-password" };
const USER_FIELD: PageField = { name: "user", label: "Username", type: "text", autocomplete: "username" };

const STAGES: ReadonlyMap<string, FallbackStage> = new Map<string, FallbackStage>([
  [
    LoginType.Password,
    {
      title: "Confirm your identity",
      intro: (stage) => (stage.userId === null ? "Enter your username and password to continue." : `Enter the password of ${stage.userId} to continue.`),
      fields: (stage) => (stage.userId === null ? [USER_FIELD, PASSWORD_FIELD] : [PASSWORD_FIELD]),
      // The session's user when it has one: the stage must prove that user anyway.
      auth: (form, stage) => ({
        identifier: { type: "m.id.user", user: stage.userId ?? form.get("user") ?? "" },
        password: form.get("password") ?? undefined,
      }),
    },
  ],
  [
    LoginType.RegistrationToken,
    {
      title: "Registration token",
      intro: () => "This server requires a registration token to create an account. Enter yours to continue.",
      fields: () => [{ name: "token", label: "Registration token", type: "text", autocomplete: "off" }],
      auth: (form) => ({ token: form.get("token") ?? undefined }),
    },
  ],
  [
    LoginType.Dummy,
    {
      title: "Continue",
      intro: () => "No further information is needed. Press Continue to go on.",
      fields: () => [],
      auth: () => ({}),
    },
  ],
]);

/**
 * GET /_matrix/client/v3/auth/{authType}/fallback/web?session=
 * https://spec.matrix.org/v1.19/client-server-api/#fallback
 */
export function handleGetAuthFallback(deps: AuthFallbackDeps): EndpointHandler<typeof getAuthFallback> {
  return async (request) => {
    const type = request.params.authType;
    const stage = stageOf(type);
    const sessionId = sessionIdOf(request.query, null);
    if (sessionId === null) return missingSession();
    return showing(async () => {
      const current = await deps.uia.describeFallbackStage(sessionId, type);
      return current.completed ? donePage() : formPage(formOf(stage, current, sessionId, null));
    });
  };
}

/**
 * POST /_matrix/client/v3/auth/{authType}/fallback/web?session=: the stage's form.
 * https://spec.matrix.org/v1.19/client-server-api/#fallback
 */
export function handleSubmitAuthFallback(deps: AuthFallbackDeps): EndpointHandler<typeof submitAuthFallback> {
  return async (request) => {
    const type = request.params.authType;
    const stage = stageOf(type);
    const form = new URLSearchParams((request.rawBody ?? Buffer.alloc(0)).toString("utf8"));
    const sessionId = sessionIdOf(request.query, form.get("session"));
    if (sessionId === null) return missingSession();
    return showing(async () => {
      const current = await deps.uia.describeFallbackStage(sessionId, type);
      if (current.completed) return donePage();
      try {
        await deps.uia.completeFallbackStage(sessionId, { ...stage.auth(form, current), type });
      } catch (err) {
        if (err instanceof UiaStageFailure) return formPage(formOf(stage, current, sessionId, err.message));
        throw err;
      }
      return donePage();
    });
  };
}

function stageOf(type: string): FallbackStage {
  const stage = STAGES.get(type);
  if (stage === undefined) throw new MatrixError(404, ErrCode.Unrecognized, `No fallback page for authentication type ${type}`);
  return stage;
}

/** `?session=` (one value), else the form's `session` field. */
function sessionIdOf(query: RawQuery, fromForm: string | null): string | null {
  const value = query.session ?? fromForm ?? null;
  return typeof value === "string" && value !== "" ? value : null;
}

function missingSession(): RawResponse {
  return errorPage(400, "This link names no authentication session.");
}

/** The page `show` makes, or the error page of the MatrixError it throws. */
async function showing(show: () => Promise<RawResponse>): Promise<RawResponse> {
  try {
    return await show();
  } catch (err) {
    if (err instanceof MatrixError) return errorPage(err.status, err.message);
    throw err;
  }
}

function formOf(stage: FallbackStage, current: UiaFallbackStage, sessionId: string, error: string | null): FallbackForm {
  return { title: stage.title, intro: stage.intro(current), fields: stage.fields(current), sessionId, error };
}
