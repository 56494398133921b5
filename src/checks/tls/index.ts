/** The tls.* checks, one file each. */
export { tlsHsts } from './hsts'
export { tlsHttpsRedirect } from './https-redirect'
export { tlsProtocols } from './protocols'
