import { errorLine } from '../../src/facts/cli-error'

// Recorded: `docker run --rm --entrypoint caddy flask-deploy-check/nginx:bookworm version`
// (engine 20.10, CLI 28), an image without the named executable.
const NO_EXECUTABLE =
  'docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "caddy": executable file not found in $PATH: unknown\n\nRun \'docker run --help\' for more information\n'

test("a refused docker run names the daemon's reason, not the CLI's advice", () => {
  expect(errorLine(NO_EXECUTABLE)).toBe(
    'Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "caddy": executable file not found in $PATH: unknown',
  )
})

test('otherwise the last line that says something', () => {
  expect(errorLine('warning: x\nError: no such network\n\n')).toBe('Error: no such network')
  expect(errorLine('')).toBe('')
})

test("docker's WARNING lines about the host are not the error", () => {
  const stderr =
    'WARNING: Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.\n'
  expect(errorLine(`${stderr}docker: invalid reference format.\n`)).toBe(
    'invalid reference format.',
  )
  expect(errorLine(stderr)).toBe('')
})
