/**
 * Matrix error codes and the one error type that becomes a `{errcode, error}` response.
 * https://spec.matrix.org/v1.19/client-server-api/#standard-error-response
 */
export enum ErrCode {
  Forbidden = "M_FORBIDDEN",
  UnknownToken = "M_UNKNOWN_TOKEN",
  MissingToken = "M_MISSING_TOKEN",
  UserLocked = "M_USER_LOCKED",
  UserSuspended = "M_USER_SUSPENDED",
  BadJson = "M_BAD_JSON",
  NotJson = "M_NOT_JSON",
  NotFound = "M_NOT_FOUND",
  LimitExceeded = "M_LIMIT_EXCEEDED",
  Unrecognized = "M_UNRECOGNIZED",
  Unknown = "M_UNKNOWN",
  Unauthorized = "M_UNAUTHORIZED",
  UserDeactivated = "M_USER_DEACTIVATED",
  UserInUse = "M_USER_IN_USE",
  InvalidUsername = "M_INVALID_USERNAME",
  RoomInUse = "M_ROOM_IN_USE",
  InvalidRoomState = "M_INVALID_ROOM_STATE",
  ThreepidInUse = "M_THREEPID_IN_USE",
  ThreepidNotFound = "M_THREEPID_NOT_FOUND",
  ThreepidAuthFailed = "M_THREEPID_AUTH_FAILED",
  ThreepidDenied = "M_THREEPID_DENIED",
  ThreepidMediumNotSupported = "M_THREEPID_MEDIUM_NOT_SUPPORTED",
  ServerNotTrusted = "M_SERVER_NOT_TRUSTED",
  UnsupportedRoomVersion = "M_UNSUPPORTED_ROOM_VERSION",
  IncompatibleRoomVersion = "M_INCOMPATIBLE_ROOM_VERSION",
  BadState = "M_BAD_STATE",
  GuestAccessForbidden = "M_GUEST_ACCESS_FORBIDDEN",
  CaptchaNeeded = "M_CAPTCHA_NEEDED",
  CaptchaInvalid = "M_CAPTCHA_INVALID",
  MissingParam = "M_MISSING_PARAM",
  InvalidParam = "M_INVALID_PARAM",
  TooLarge = "M_TOO_LARGE",
  Exclusive = "M_EXCLUSIVE",
  ResourceLimitExceeded = "M_RESOURCE_LIMIT_EXCEEDED",
  CannotLeaveServerNoticeRoom = "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM",
  WeakPassword = "M_WEAK_PASSWORD",
  UnableToAuthoriseJoin = "M_UNABLE_TO_AUTHORISE_JOIN",
  UnableToGrantJoin = "M_UNABLE_TO_GRANT_JOIN",
  NotYetUploaded = "M_NOT_YET_UPLOADED",
  CannotOverwriteMedia = "M_CANNOT_OVERWRITE_MEDIA",
  BadAlias = "M_BAD_ALIAS",
  UnknownDevice = "M_UNKNOWN_DEVICE",
  UrlNotSet = "M_URL_NOT_SET",
  BadStatus = "M_BAD_STATUS",
  ConnectionFailed = "M_CONNECTION_FAILED",
  ConnectionTimeout = "M_CONNECTION_TIMEOUT",
}

/** Thrown anywhere below http/; only http/middleware/errors.ts turns it into a response. */
export class MatrixError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: ErrCode | string,
    message: string,
    /** Extra top-level fields of the error body, e.g. `retry_after_ms`, `soft_logout`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "MatrixError";
  }

  toJSON(): Record<string, unknown> {
    return { errcode: this.errcode, error: this.message, ...this.extra };
  }
}
