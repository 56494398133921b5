// Stands in for the package's analyzer/hsts.js, whose preload list (conf/hsts-preload.json) its
// postinstall downloads and the project's install never runs: no host is preloaded.
export function hsts() {
  return new Map()
}
export function isHstsPreloaded() {
  return null
}
