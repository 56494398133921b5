/**
 * Which variables hold secrets: one rule for the check that reports baked secrets and for the
 * runtime, which must mask the same values before `docker build` prints them.
 */

/** SECRET_KEY, *_PASSWORD, *_PASSWD, *_TOKEN, *_SECRET, *_SECRET_KEY, *_API_KEY, *_PRIVATE_KEY ... */
const SECRET_NAME =
  /^(?:[A-Z0-9_]*_)?(?:SECRET_KEY|SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|SECRET_ACCESS_KEY)$/

/** True when a variable of this name and shape holds a secret worth reporting. */
export function looksSecret(
  name: string,
  valueLength: number,
  urlWithCredentials: boolean,
): boolean {
  if (valueLength === 0) return false
  return urlWithCredentials || SECRET_NAME.test(name.toUpperCase())
}
