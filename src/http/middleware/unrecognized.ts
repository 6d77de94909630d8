/**
 * Requests no endpoint took: 404 M_UNRECOGNIZED for an unknown path, 405 M_UNRECOGNIZED (with an
 * Allow header) for a known path and the wrong method.
 * https://spec.matrix.org/v1.19/client-server-api/#common-error-codes
 */
import type { Router } from "@koa/router";
import type { Middleware } from "koa";
import { ErrCode, MatrixError } from "../../matrix/errors.js";

export function unrecognizedRequest(router: Router): Middleware {
  return async (ctx) => {
    const match = router.match(ctx.path, ctx.method);
    const allowed = new Set(match.path.flatMap((layer) => layer.methods));
    if (allowed.size > 0) {
      ctx.set("Allow", [...allowed].join(", "));
      throw new MatrixError(405, ErrCode.Unrecognized, "Unrecognized request: method not allowed");
    }
    throw new MatrixError(404, ErrCode.Unrecognized, "Unrecognized request");
  };
}
