/**
 * profile_fields: a user's profile fields other than displayname and avatar_url (those are
 * columns of users, see UsersStore). Values are any JSON, stored as text.
 */
import type { EntityManager } from "typeorm";
import type { JsonValue } from "../../matrix/pdu-json.js";
import { BaseStore } from "./base-store.js";

export class ProfileFieldsStore extends BaseStore {
  async upsertProfileField(tx: EntityManager, userId: string, fieldName: string, value: JsonValue): Promise<void> {
    await this.d.execute(
      tx,
      `INSERT INTO profile_fields (user_id, field_name, value) VALUES (?, ?, ?)
       ON CONFLICT (user_id, field_name) DO UPDATE SET value = excluded.value`,
      [userId, fieldName, JSON.stringify(value)],
    );
  }

  /** Returns whether the field existed. */
  async deleteProfileField(tx: EntityManager, userId: string, fieldName: string): Promise<boolean> {
    return (await this.d.execute(tx, "DELETE FROM profile_fields WHERE user_id = ? AND field_name = ?", [userId, fieldName])) > 0;
  }

  /** Every extra field of the user, by name (sorted). */
  async selectProfileFields(userId: string, em: EntityManager = this.reader): Promise<Map<string, JsonValue>> {
    const rows = await this.d.query<{ field_name: string; value: string }>(
      em,
      "SELECT field_name, value FROM profile_fields WHERE user_id = ? ORDER BY field_name",
      [userId],
    );
    return new Map(rows.map((row) => [row.field_name, JSON.parse(row.value) as JsonValue]));
  }
}
