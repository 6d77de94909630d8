/**
 * The actions a notification was recorded with, as stored with each push action row, and what
 * they make of a push to a gateway.
 * https://spec.matrix.org/v1.19/client-server-api/#actions
 *
 * - Stored: the matched rule's actions as JSON, or NULL when they are exactly `["notify"]` or
 *   `["notify", {"set_tweak": "highlight"}]`, which the row's `highlight` flag restores (the
 *   server-default `.m.rule.message` and `.m.rule.encrypted`, the bulk of notifications in group
 *   rooms, store nothing more). Encoded once per compiled rule (push-rules.ts), not per row.
 * - Tweaks: `set_tweak` "Sets an entry in the `tweaks` dictionary key that is sent in the
 *   notification request to the Push Gateway … Tweaks are passed transparently"; "If a
 *   `highlight` tweak is given with no value, its value is defined to be `true`". A tweak
 *   without a value other than `highlight` has nothing to send and is left out.
 * - Priority (push gateway `prio`, "If omitted, `high` is assumed"): high when the notification
 *   plays a sound or is highlighted, low otherwise.
 */
import type { PushActionJson } from "../../matrix/endpoints/client/push-rules.js";
import { isJsonObject } from "../../room/is-json-object.js";

const NOTIFY_ONLY = JSON.stringify(["notify"]);
const NOTIFY_HIGHLIGHT = JSON.stringify(["notify", { set_tweak: "highlight" }]);

/** What to store for `actions` (historical actions stripped) with a row whose highlight flag is `highlight`. */
export function encodeNotificationActions(actions: readonly PushActionJson[], highlight: boolean): string | null {
  const json = JSON.stringify(actions);
  return json === (highlight ? NOTIFY_HIGHLIGHT : NOTIFY_ONLY) ? null : json;
}

/** The actions a row stands for: its stored JSON, or what its highlight flag restores. */
export function decodeNotificationActions(stored: string | null, highlight: boolean): PushActionJson[] {
  if (stored !== null) return JSON.parse(stored) as PushActionJson[];
  return highlight ? ["notify", { set_tweak: "highlight" }] : ["notify"];
}

/** The `tweaks` of a push: each `set_tweak` action's value (the last one wins). */
export function notificationTweaks(actions: readonly PushActionJson[]): Record<string, unknown> {
  const tweaks: Record<string, unknown> = {};
  for (const action of actions) {
    if (!isJsonObject(action) || typeof action.set_tweak !== "string") continue;
    if (action.value !== undefined) tweaks[action.set_tweak] = action.value;
    else if (action.set_tweak === "highlight") tweaks.highlight = true;
  }
  return tweaks;
}

/** The push's `prio`: "high" with a sound or a highlight, "low" otherwise. */
export function notificationPriority(tweaks: Readonly<Record<string, unknown>>): "high" | "low" {
  const sound = tweaks.sound;
  return tweaks.highlight === true || (typeof sound === "string" && sound !== "") ? "high" : "low";
}
