/**
 * What host mode observes of the systemd unit (systemd.* checks). Like every observation it
 * holds no secret value: Environment= variables are names, lengths and shapes.
 */

/** One setting as written, with the unit-file line it is on. */
export interface UnitSetting {
  value: string
  line: number
}

/** One Environment= assignment (never its value). */
export interface UnitEnvVar {
  name: string
  valueLength: number
  /** scheme://user:pass@host */
  urlWithCredentials: boolean
  line: number
}

export interface UnitEnvFile {
  /** As written (without the `-` prefix). */
  path: string
  /** `-`: a missing file is not an error. */
  optional: boolean
  line: number
  /** The file is part of the repository (where a secret in it is committed). */
  inRepo: boolean
  /** Names of the variables it sets, when it could be read (never values). */
  vars?: UnitEnvVar[]
}

/** Where the server listens, and which setting said so. */
export interface UnitBind {
  /** As the server reads them: `127.0.0.1:8000`, `unix:/run/app.sock`, `0.0.0.0:8000`. */
  addresses: string[]
  /** 'ExecStart', 'GUNICORN_CMD_ARGS', a config file (repository path), or 'default'. */
  source: string
  /** The file and line that set it (the unit's ExecStart= or Environment= line, the config file's). */
  file: string
  line?: number
}

export interface UnitFacts {
  /** Repository-relative path of the unit file (forward slashes). */
  path: string
  user?: UnitSetting
  group?: UnitSetting
  restart?: UnitSetting
  workingDirectory?: UnitSetting
  /** ExecStart= split as systemd splits it, before $VAR expansion. */
  execStart?: { argv: string[]; line: number; privileged: boolean }
  /** The WSGI server ExecStart runs. */
  server?: 'gunicorn' | 'uwsgi' | 'waitress' | 'other'
  environment: UnitEnvVar[]
  environmentFiles: UnitEnvFile[]
  bind?: UnitBind
  /** Gunicorn's own reading of its settings, when the unit runs Gunicorn. */
  gunicorn?: GunicornView
  /** Lines systemd would warn about and ignore. */
  problems: { line: number; message: string }[]
}

/** Gunicorn's own reading of its settings (gunicorn.config), as host mode records it. */
export interface GunicornView {
  bind: string[]
  /** Which layer set bind: 'ExecStart', 'GUNICORN_CMD_ARGS', the config file's path, or 'default'. */
  bindSource: string
  /** The config file Gunicorn loaded (repository path), when one. */
  configFile?: string
  /** The config file's line that sets bind, when it does. */
  bindLine?: number
  timeout: number
  workers: number
  accesslog?: string
  errorlog?: string
}

/** The unit part of a docker run: there is no unit to judge. */
export const NO_UNIT = {
  unavailable: 'the app runs from its image, not from a systemd unit',
  skip: 'not-applicable',
} as const

/** The image part in host mode: nothing is built (image.* not applicable). */
export const NO_IMAGE_IN_HOST_MODE = {
  unavailable: 'host mode: the app runs from its systemd unit, there is no image',
  skip: 'not-applicable',
} as const
