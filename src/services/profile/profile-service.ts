/**
 * User profiles: display name and avatar (columns of users) and the extended fields of v1.16
 * (`m.tz`, custom namespaced keys; the profile_fields table).
 * https://spec.matrix.org/v1.19/client-server-api/#profiles
 *
 * Lookups: any local user's profile may be read (the spec's minimum is users sharing a room or
 * in public rooms; it allows more). Remote users need federation profile queries, which this
 * server does not make yet: they are 404 M_NOT_FOUND, as are unknown and deactivated users.
 *
 * "changes to these fields cause an automatic propagation event": a changed display name or
 * avatar is reported to `onProfileChanged` (app.ts sends the presence update, and the room
 * engine the new m.room.member events).
 */
import type { DataSource } from "typeorm";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import { localpartOf } from "../../matrix/ids.js";
import type { JsonValue } from "../../matrix/pdu-json.js";
import type { ProfileFieldsStore } from "../../storage/stores/profile-fields-store.js";
import type { UserRow, UsersStore } from "../../storage/stores/users-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import { ProfileCache, type DisplayProfile } from "./profile-cache.js";
import { AVATAR_URL, DISPLAYNAME, checkProfileSize, type ProfileJson } from "./profile-fields.js";

export interface ProfileChange {
  displayname: string | null;
  avatar_url: string | null;
}

export interface ProfileServiceDeps {
  db: DataSource;
  serverName: string;
  users: Pick<UsersStore, "selectUserById" | "updateDisplayname" | "updateAvatarUrl">;
  fields: Pick<ProfileFieldsStore, "upsertProfileField" | "deleteProfileField" | "selectProfileFields">;
  /** Called after a committed change of display name or avatar. */
  onProfileChanged?: (userId: string, profile: ProfileChange) => void | Promise<void>;
  /** Display names and avatars read before (profile-cache.ts); default: a private one. */
  cache?: ProfileCache;
}

export class ProfileService {
  /** Forgotten here after each change of display name or avatar; app.ts bridges it across processes. */
  readonly cache: ProfileCache;

  constructor(private readonly deps: ProfileServiceDeps) {
    this.cache = deps.cache ?? new ProfileCache();
  }

  /** GET /profile/{userId}: every field; 404 M_NOT_FOUND for users we have no profile of. */
  async getProfile(userId: string): Promise<ProfileJson> {
    const user = await this.requireLocalUser(userId);
    return this.profileOf(user, await this.deps.fields.selectProfileFields(userId));
  }

  /** GET /profile/{userId}/{keyName}: `{keyName: value}`; 404 M_NOT_FOUND when unset. */
  async getProfileField(userId: string, keyName: string): Promise<ProfileJson> {
    const profile = await this.getProfile(userId);
    if (!Object.hasOwn(profile, keyName)) throw new MatrixError(404, ErrCode.NotFound, `The user has no ${keyName} profile field`);
    return { [keyName]: profile[keyName]! };
  }

  /** Display names and avatars of local users, for presence content and member events. */
  async getDisplayProfiles(userIds: readonly string[]): Promise<Map<string, DisplayProfile>> {
    const out = new Map<string, DisplayProfile>();
    for (const userId of userIds) {
      if (localpartOf(userId, this.deps.serverName) === null) continue;
      const cached = this.cache.get(userId);
      if (cached !== undefined) {
        out.set(userId, cached);
        continue;
      }
      const read = this.cache.startRead();
      const user = await this.deps.users.selectUserById(userId);
      if (user === null) continue;
      const profile = { displayname: user.displayname, avatarUrl: user.avatarUrl };
      this.cache.set(userId, profile, read);
      out.set(userId, profile);
    }
    return out;
  }

  /**
   * PUT /profile/{userId}/{keyName} with an already checked value (profile-fields.ts); null
   * clears displayname / avatar_url. 400 M_PROFILE_TOO_LARGE past 64 KiB.
   */
  async setProfileField(userId: string, keyName: string, value: JsonValue): Promise<void> {
    const user = await this.requireLocalUser(userId);
    const fields = await this.deps.fields.selectProfileFields(userId);
    const profile = this.profileOf(user, fields);
    if (value === null && (keyName === DISPLAYNAME || keyName === AVATAR_URL)) delete profile[keyName];
    else profile[keyName] = value;
    checkProfileSize(profile);

    await runInTransaction(this.deps.db, async (tx) => {
      if (keyName === DISPLAYNAME) await this.deps.users.updateDisplayname(tx, userId, value as string | null);
      else if (keyName === AVATAR_URL) await this.deps.users.updateAvatarUrl(tx, userId, value as string | null);
      else await this.deps.fields.upsertProfileField(tx, userId, keyName, value);
    });
    const changed =
      (keyName === DISPLAYNAME && value !== user.displayname) || (keyName === AVATAR_URL && value !== user.avatarUrl);
    if (changed) await this.changed(userId);
  }

  /** DELETE /profile/{userId}/{keyName}; deleting an absent field succeeds. */
  async deleteProfileField(userId: string, keyName: string): Promise<void> {
    const user = await this.requireLocalUser(userId);
    if (keyName === DISPLAYNAME || keyName === AVATAR_URL) {
      if ((keyName === DISPLAYNAME ? user.displayname : user.avatarUrl) === null) return;
      await runInTransaction(this.deps.db, (tx) =>
        keyName === DISPLAYNAME ? this.deps.users.updateDisplayname(tx, userId, null) : this.deps.users.updateAvatarUrl(tx, userId, null),
      );
      await this.changed(userId);
      return;
    }
    await runInTransaction(this.deps.db, (tx) => this.deps.fields.deleteProfileField(tx, userId, keyName));
  }

  private async changed(userId: string): Promise<void> {
    this.cache.forgetUser(userId);
    const listener = this.deps.onProfileChanged;
    if (listener === undefined) return;
    const user = await this.deps.users.selectUserById(userId);
    if (user !== null) await listener(userId, { displayname: user.displayname, avatar_url: user.avatarUrl });
  }

  private profileOf(user: UserRow, fields: ReadonlyMap<string, JsonValue>): ProfileJson {
    const profile: ProfileJson = {};
    if (user.displayname !== null) profile[DISPLAYNAME] = user.displayname;
    if (user.avatarUrl !== null) profile[AVATAR_URL] = user.avatarUrl;
    for (const [key, value] of fields) profile[key] = value;
    return profile;
  }

  private async requireLocalUser(userId: string): Promise<UserRow> {
    const user = localpartOf(userId, this.deps.serverName) === null ? null : await this.deps.users.selectUserById(userId);
    if (user === null || user.deactivated) throw new MatrixError(404, ErrCode.NotFound, "Profile not found");
    return user;
  }
}
