/** The image.* checks, one file each. */
export { imageExecForm } from './exec-form'
export { imageNoBakedSecrets } from './no-baked-secrets'
export { imageNonRoot } from './non-root'
