/**
 * nginx config templates rendered as the official nginx image renders /etc/nginx/templates/*.template
 * at start (docker-entrypoint.d/20-envsubst-on-templates.sh): `envsubst "$defined_envs"`, so only
 * variables that are defined are substituted, in both `$VAR` and `${VAR}` forms; everything else
 * (nginx's own `$host`, an undefined `${VAR}`) is left as written. Pure.
 */

export interface RenderedTemplate {
  text: string
  /** Variables substituted, in order of first use. */
  substituted: string[]
  /** `${NAME}` references left as written because NAME is not defined (nginx then refuses them). */
  undefinedVars: string[]
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*'

/** A file the official image would render: its name ends in `.template`. */
export function isTemplate(file: string): boolean {
  return file.endsWith('.template')
}

/** Substitutes the defined variables of env into text, as envsubst with a variable list does. */
export function renderTemplate(text: string, env: [string, string][]): RenderedTemplate {
  const values = new Map(env)
  const substituted: string[] = []
  const undefinedVars: string[] = []
  const out = text.replace(
    new RegExp(`\\$\\{(${NAME})\\}|\\$(${NAME})`, 'g'),
    (m, braced, bare) => {
      const name = (braced ?? bare) as string
      const value = values.get(name)
      if (value === undefined) {
        // Only an upper-case braced name is a template's: `$host`, `${host}` are nginx's own.
        if (braced !== undefined && /[A-Z]/.test(name) && !undefinedVars.includes(name))
          undefinedVars.push(name)
        return m
      }
      if (!substituted.includes(name)) substituted.push(name)
      return value
    },
  )
  return { text: out, substituted, undefinedVars }
}

/** The name the image gives the rendered file: the template's without `.template`. */
export function renderedName(file: string): string {
  return file.replace(/\.template$/, '')
}
