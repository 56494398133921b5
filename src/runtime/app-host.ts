/** The app container's DNS name on the run network: the proxy's upstreams point at it. */
export const APP_HOST = 'app'
