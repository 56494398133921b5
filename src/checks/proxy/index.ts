/** The proxy.* checks, one file each. */
export { proxyClientIp } from './client-ip'
export { proxyConfigValid } from './config-valid'
export { proxyForwardedHeaders } from './forwarded-headers'
export { proxyForwardedSpoof } from './forwarded-spoof'
export { proxyHostHeader } from './host-header'
export { proxyHttpsUrls } from './https-urls'
export { proxyRateLimit } from './rate-limit'
export { proxyUpstream } from './upstream'
