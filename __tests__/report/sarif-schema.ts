/** The SARIF 2.1.0 JSON schema (copied from @microsoft/jest-sarif's package), as a validator. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import Ajv from 'ajv-draft-04'
import addFormats from 'ajv-formats'

// The schema's language-tag pattern is not valid as a unicode regular expression.

const SCHEMA = path.join(__dirname, '..', 'data', 'sarif', 'sarif-2.1.0-rtm.5.json')

/** The schema errors of `log` (empty when it is a valid SARIF 2.1.0 log). */
export function sarifErrors(log: unknown): unknown[] {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
  addFormats(ajv)
  const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')))
  return validate(log) ? [] : (validate.errors ?? [])
}
