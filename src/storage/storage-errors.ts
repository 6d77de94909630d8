/**
 * Typed constraint errors, so services can map them to Matrix errors (a unique violation on
 * `users.localpart` becomes M_USER_IN_USE) without knowing which engine raised them.
 */

/** A constraint refused a row; `constraint` names it when the driver says which. */
export abstract class ConstraintViolationError extends Error {
  /** Constraint name (PostgreSQL) or `table.column, …` (SQLite). */
  readonly constraint: string | null;

  constructor(message: string, constraint: string | null, options: { cause: unknown }) {
    super(message, options);
    this.constraint = constraint;
  }
}

/** A UNIQUE or PRIMARY KEY constraint refused a row. */
export class UniqueViolationError extends ConstraintViolationError {
  override readonly name = "UniqueViolationError";
}

/** A FOREIGN KEY constraint refused a row (for example a device for an unknown user). */
export class ForeignKeyViolationError extends ConstraintViolationError {
  override readonly name = "ForeignKeyViolationError";
}

interface DriverErrorFields {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

const SQLITE_UNIQUE = new Set(["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]);
const PG_UNIQUE = "23505";
const PG_FOREIGN_KEY = "23503";

/**
 * Turns a driver constraint error into UniqueViolationError / ForeignKeyViolationError; returns
 * any other error unchanged. `err` is TypeORM's QueryFailedError (which carries `driverError`)
 * or a raw driver error.
 */
export function translateDriverError(err: unknown): unknown {
  if (typeof err !== "object" || err === null) return err;
  const driverError = ((err as { driverError?: unknown }).driverError ?? err) as DriverErrorFields;
  const code = driverError.code;
  const message = typeof driverError.message === "string" ? driverError.message : String(err);
  if (code === PG_UNIQUE || code === PG_FOREIGN_KEY) {
    const constraint = typeof driverError.constraint === "string" ? driverError.constraint : null;
    return code === PG_UNIQUE
      ? new UniqueViolationError(message, constraint, { cause: err })
      : new ForeignKeyViolationError(message, constraint, { cause: err });
  }
  if (typeof code === "string" && SQLITE_UNIQUE.has(code)) {
    return new UniqueViolationError(message, sqliteConstraint(message), { cause: err });
  }
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") return new ForeignKeyViolationError(message, null, { cause: err });
  return err;
}

/** "UNIQUE constraint failed: users.localpart" → "users.localpart". */
function sqliteConstraint(message: string): string | null {
  const colon = message.lastIndexOf(": ");
  return colon < 0 ? null : message.slice(colon + 2);
}
