/** The tool's identity as written into every report, taken from package.json (one source of truth). */
import pkg from '../../package.json'

/** The tool name shown in reports and output. */
export const TOOL_NAME: string = pkg.name

/** The tool version (package.json `version`). */
export const version: string = pkg.version
