/**
 * The introspection probe's Python sources, shipped as files beside the bundle: scripts/build.sh
 * copies src/probe/python/*.py to dist/python/ and dist/cli/python/, where the bundle's
 * __dirname points, so the .py in src/probe/python/ is the only copy there is to edit.
 */
import { readFileSync } from 'fs'
import { join } from 'path'

/** File name -> source, as written into the mounted directory; read once, on first use. */
let files: Readonly<Record<string, string>> | undefined

export function probeFiles(): Readonly<Record<string, string>> {
  files ??= Object.freeze({
    'sitecustomize.py': readFileSync(join(__dirname, 'python', 'sitecustomize.py'), 'utf8'),
    'fdc_probe.py': readFileSync(join(__dirname, 'python', 'fdc_probe.py'), 'utf8'),
    'fdc_probe_config.py': readFileSync(join(__dirname, 'python', 'fdc_probe_config.py'), 'utf8'),
  })
  return files
}
