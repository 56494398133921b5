/** Reading one Set-Cookie header, and showing it as evidence without its value. */

/** A Set-Cookie header: the cookie's name and value, its attributes (names lower-case; flags map to ''). */
export interface SetCookie {
  name: string
  value: string
  attributes: Map<string, string>
}

/** A header without `=` in its first part has that part as its name and an empty value. */
export function parseSetCookie(header: string): SetCookie {
  const [pair, ...attrs] = header.split(';')
  const eq = pair.indexOf('=')
  const attributes = new Map<string, string>()
  for (const a of attrs) {
    const at = a.indexOf('=')
    const k = (at < 0 ? a : a.slice(0, at)).trim().toLowerCase()
    if (k !== '') attributes.set(k, at < 0 ? '' : a.slice(at + 1).trim())
  }
  return {
    name: (eq < 0 ? pair : pair.slice(0, eq)).trim(),
    value: eq < 0 ? '' : pair.slice(eq + 1).trim(),
    attributes,
  }
}

/** The header as evidence without the cookie's value: 'session=…; HttpOnly; Path=/'. */
export function cookieShape(header: string): string {
  const [, ...attrs] = header.split(';')
  const { name } = parseSetCookie(header)
  return [`${name}=…`, ...attrs.map((a) => a.trim()).filter((a) => a !== '')].join('; ')
}
