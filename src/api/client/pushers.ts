/**
 * Pushers and the notifications list.
 * https://spec.matrix.org/v1.19/client-server-api/#push-notifications
 */
import { getNotifications, getPushers, postPusher } from "../../matrix/endpoints/client/pushers.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import { route, type Route } from "../../http/route.js";
import type { NotificationsService } from "../../services/push/notifications-service.js";
import type { PusherService } from "../../services/push/pusher-service.js";

export interface PushersDeps {
  pushers: Pick<PusherService, "getPushers" | "setPusher">;
  notifications: Pick<NotificationsService, "getNotifications">;
}

/** GET /_matrix/client/v3/pushers — #get_matrixclientv3pushers */
export function handleGetPushers(deps: PushersDeps): EndpointHandler<typeof getPushers> {
  return async ({ requester }) => ({ pushers: await deps.pushers.getPushers(requester.userId) });
}

/** POST /_matrix/client/v3/pushers/set — #post_matrixclientv3pushersset */
export function handlePostPusher(deps: PushersDeps): EndpointHandler<typeof postPusher> {
  return async ({ requester, body }) => {
    await deps.pushers.setPusher(requester, body);
    return {};
  };
}

/** GET /_matrix/client/v3/notifications — #get_matrixclientv3notifications */
export function handleGetNotifications(deps: PushersDeps): EndpointHandler<typeof getNotifications> {
  return async ({ requester, query }) => deps.notifications.getNotifications(requester.userId, query);
}

export function pushersRoutes(deps: PushersDeps): Route[] {
  return [
    route(getPushers, handleGetPushers(deps)),
    route(postPusher, handlePostPusher(deps)),
    route(getNotifications, handleGetNotifications(deps)),
  ];
}
