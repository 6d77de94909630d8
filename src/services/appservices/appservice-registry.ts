/**
 * The registered application services, and the namespace rules the client API applies with them.
 * https://spec.matrix.org/v1.19/application-service-api/#server-admin-style-permissions
 *
 * > Application services which attempt to create users or aliases *outside* of their defined
 * > namespaces, or log in as users outside of their defined namespaces will receive an error code
 * > `M_EXCLUSIVE`. Similarly, normal users who attempt to create users or aliases *inside* an
 * > application service-defined namespace will receive the same `M_EXCLUSIVE` error code, but
 * > only if the application service has defined the namespace as `exclusive`.
 *
 * And from the registration section: "An exclusive namespace prevents humans and other
 * application services from creating/deleting entities in that namespace", so another
 * appservice's exclusive namespace is closed to an appservice too, even where its own
 * (non-exclusive) namespace covers the ID.
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { Appservice } from "./appservice.js";

export class AppserviceRegistry {
  private readonly byToken = new Map<string, Appservice>();
  private readonly byId = new Map<string, Appservice>();

  /** `appservices` must have unique IDs and tokens (loadAppserviceRegistrations checks). */
  constructor(readonly appservices: readonly Appservice[]) {
    for (const appservice of appservices) {
      this.byToken.set(appservice.asToken, appservice);
      this.byId.set(appservice.id, appservice);
    }
  }

  get size(): number {
    return this.appservices.length;
  }

  /** The appservice whose `as_token` this is, or null. */
  findByToken(asToken: string): Appservice | null {
    return this.byToken.get(asToken) ?? null;
  }

  findById(id: string): Appservice | null {
    return this.byId.get(id) ?? null;
  }

  /** The appservice that holds `userId` exclusively (its sender or an exclusive namespace), or null. */
  exclusiveUserOwner(userId: string): Appservice | null {
    for (const appservice of this.appservices) if (appservice.isExclusiveUser(userId)) return appservice;
    return null;
  }

  isExclusiveUser(userId: string): boolean {
    return this.exclusiveUserOwner(userId) !== null;
  }

  /** The appservice that holds `alias` in an exclusive namespace, or null. */
  exclusiveAliasOwner(alias: string): Appservice | null {
    for (const appservice of this.appservices) if (appservice.isExclusiveAlias(alias)) return appservice;
    return null;
  }

  isExclusiveAlias(alias: string): boolean {
    return this.exclusiveAliasOwner(alias) !== null;
  }

  /** Every appservice interested in the local user `userId` (sender or any users namespace). */
  interestedInUser(userId: string): Appservice[] {
    return this.appservices.filter((appservice) => appservice.isInterestedInUser(userId));
  }

  /**
   * Throws 400 M_EXCLUSIVE unless `actor` (an appservice, or null for a person) may create or
   * take over the user `userId`: an appservice within its user namespace, anyone outside every
   * other appservice's exclusive one.
   */
  checkUserNamespace(userId: string, actor: Appservice | null): void {
    if (actor !== null && !actor.isInterestedInUser(userId)) {
      throw new MatrixError(400, ErrCode.Exclusive, `${userId} is outside the namespace of application service ${actor.id}`);
    }
    if (this.heldByAnother(actor, (a) => a.isExclusiveUser(userId))) {
      throw new MatrixError(400, ErrCode.Exclusive, `${userId} is reserved by an application service`);
    }
  }

  /** As checkUserNamespace, for creating or deleting the room alias `alias`. */
  checkAliasNamespace(alias: string, actor: Appservice | null): void {
    if (actor !== null && !actor.isInterestedInAlias(alias)) {
      throw new MatrixError(400, ErrCode.Exclusive, `${alias} is outside the namespace of application service ${actor.id}`);
    }
    if (this.heldByAnother(actor, (a) => a.isExclusiveAlias(alias))) {
      throw new MatrixError(400, ErrCode.Exclusive, `${alias} is reserved by an application service`);
    }
  }

  private heldByAnother(actor: Appservice | null, holds: (appservice: Appservice) => boolean): boolean {
    for (const appservice of this.appservices) if (appservice !== actor && holds(appservice)) return true;
    return false;
  }
}
