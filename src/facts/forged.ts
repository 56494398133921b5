/**
 * The client address the runtime forges in X-Forwarded-For on its second request through the
 * proxy, and that proxy.client-ip looks for in the app's answer. It is from TEST-NET-3 (RFC
 * 5737): no real client has it, so an app that reports it took the forged header.
 */
export const FORGED_CLIENT = '203.0.113.9'
