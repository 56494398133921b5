/** The systemd.* checks (host mode), one file each. */
export { systemdBindLocal } from './bind-local'
export { systemdRestart } from './restart'
export { systemdSecrets } from './secrets'
export { systemdUser } from './user'
