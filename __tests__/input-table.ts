/**
 * Every input of action.yml with one value parseOptions takes and one it refuses, in one table
 * that the unit test (options.test.ts) and the bundled action (e2e/bad-input.e2e.test.ts) share.
 * Add a row here for a new input.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { InputName, Options, RawInputs } from '../src/options'

/** A workspace holding the files the rows name (Dockerfiles, a config, a report, a policy). */
export function makeInputWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-options-'))
  fs.writeFileSync(path.join(ws, 'Dockerfile'), 'FROM scratch\n')
  fs.mkdirSync(path.join(ws, 'api'))
  fs.writeFileSync(path.join(ws, 'api', 'Dockerfile'), 'FROM scratch\n')
  fs.mkdirSync(path.join(ws, 'deploy'))
  fs.writeFileSync(path.join(ws, 'deploy', 'nginx.conf'), 'server {}\n')
  fs.writeFileSync(
    path.join(ws, 'deploy', 'Caddyfile'),
    'example.com {\n\treverse_proxy 127.0.0.1:8000\n}\n',
  )
  fs.writeFileSync(
    path.join(ws, 'deploy', 'app.service'),
    '[Service]\nExecStart=/usr/bin/gunicorn app:app\n',
  )
  fs.mkdirSync(path.join(ws, 'stack'))
  fs.writeFileSync(path.join(ws, 'stack', 'docker-compose.yml'), 'services: {}\n')
  fs.writeFileSync(path.join(ws, 'report.json'), '{}\n')
  fs.writeFileSync(path.join(ws, 'policy.yml'), 'inputs:\n  fail-on: warning\n')
  return ws
}

export const COMMENT_ONLY: RawInputs = { mode: 'comment-only', 'report-file': 'report.json' }

export interface Row {
  input: InputName
  good: { raw: RawInputs; gives: Partial<Options> }
  /** The refused value and its message; null for an input that takes any text (say why). */
  bad: { raw: RawInputs; message: string } | { none: string }
}

/** The rows; `at` names a path in the workspace makeInputWorkspace made. */
export function inputRows(at: (rel: string) => string): Row[] {
  return [
    {
      input: 'context',
      good: { raw: { context: 'api' }, gives: { context: at('api'), file: at('api/Dockerfile') } },
      bad: {
        raw: { context: 'web' },
        message: `input 'context' has invalid value 'web': an existing directory (looked for ${at('web')})`,
      },
    },
    {
      input: 'file',
      good: { raw: { file: 'api/Dockerfile' }, gives: { file: at('api/Dockerfile') } },
      bad: {
        raw: { file: 'api/Dockerfile.prod' },
        message: `input 'file' has invalid value 'api/Dockerfile.prod': an existing file (looked for ${at('api/Dockerfile.prod')})`,
      },
    },
    {
      input: 'build-args',
      good: {
        raw: { 'build-args': 'PIP_TOKEN=tok-abc\n# a comment\nBUILD_VERSION=9' },
        gives: {
          buildArgs: [
            ['PIP_TOKEN', 'tok-abc'],
            ['BUILD_VERSION', '9'],
          ],
        },
      },
      bad: {
        raw: { 'build-args': '9LIVES=tok-abc' },
        message:
          "input 'build-args' has invalid value '9LIVES=***': one KEY=VALUE per line, KEY made of letters, digits and _",
      },
    },
    {
      input: 'target',
      good: { raw: { target: 'runtime' }, gives: { target: 'runtime' } },
      bad: {
        raw: { target: 'run time' },
        message: "input 'target' has invalid value 'run time': a build stage name",
      },
    },
    {
      input: 'image',
      good: {
        raw: { image: 'flask-deploy-check/app:1f2e' },
        gives: { image: 'flask-deploy-check/app:1f2e' },
      },
      bad: {
        raw: { image: '--privileged' },
        message:
          "input 'image' has invalid value '--privileged': an image reference [host/]name[:tag][@digest], e.g. nginx:1.27",
      },
    },
    {
      input: 'command',
      good: {
        raw: { command: `gunicorn -b '0.0.0.0:8000' "app:create_app()"` },
        gives: { command: ['gunicorn', '-b', '0.0.0.0:8000', 'app:create_app()'] },
      },
      bad: {
        raw: { command: '["gunicorn", 8000]' },
        message:
          "input 'command' has invalid value '[\"gunicorn\", 8000]': a non-empty JSON array of strings",
      },
    },
    {
      input: 'port',
      good: { raw: { port: '5000' }, gives: { port: 5000 } },
      bad: {
        raw: { port: '70000' },
        message: "input 'port' has invalid value '70000': a whole number from 1 to 65535",
      },
    },
    {
      input: 'env',
      good: {
        raw: { env: 'DATABASE_URL=postgres://u:pw@db/app' },
        gives: { env: [['DATABASE_URL', 'postgres://u:pw@db/app']] },
      },
      bad: {
        raw: { env: 'DATABASE-URL=postgres://u:pw@db/app' },
        message:
          "input 'env' has invalid value 'DATABASE-URL=***': one KEY=VALUE per line, KEY made of letters, digits and _",
      },
    },
    {
      input: 'health-path',
      good: { raw: { 'health-path': '/health' }, gives: { healthPath: '/health' } },
      bad: {
        raw: { 'health-path': 'healthz' },
        message:
          "input 'health-path' has invalid value 'healthz': a path starting with '/' and without spaces",
      },
    },
    {
      input: 'routes',
      good: { raw: { routes: '/\n/docs?q=1' }, gives: { routes: ['/', '/docs?q=1'] } },
      bad: {
        raw: { routes: '/\n/login page' },
        message:
          "input 'routes' has invalid value '/login page': a path starting with '/' and without spaces",
      },
    },
    {
      input: 'nginx-config',
      good: {
        raw: { 'nginx-config': 'deploy/nginx.conf' },
        gives: { nginxConfig: 'deploy/nginx.conf' },
      },
      bad: {
        raw: { 'nginx-config': 'deploy/site.conf' },
        message: `input 'nginx-config' has invalid value 'deploy/site.conf': an existing file or directory (looked for ${at('deploy/site.conf')})`,
      },
    },
    {
      input: 'caddy-config',
      good: {
        raw: { 'caddy-config': 'deploy/Caddyfile' },
        gives: { caddyConfig: 'deploy/Caddyfile' },
      },
      bad: {
        raw: { 'caddy-config': 'Caddyfile' },
        message: `input 'caddy-config' has invalid value 'Caddyfile': an existing file or directory (looked for ${at('Caddyfile')})`,
      },
    },
    {
      input: 'server-name',
      good: { raw: { 'server-name': 'app.example.com' }, gives: { serverName: 'app.example.com' } },
      bad: {
        raw: { 'server-name': 'https://app.example.com' },
        message:
          "input 'server-name' has invalid value 'https://app.example.com': a host name (letters, digits, dots and dashes)",
      },
    },
    {
      input: 'proxy-image',
      good: {
        raw: { 'proxy-image': 'flask-deploy-check/nginx:bookworm' },
        gives: { proxyImage: 'flask-deploy-check/nginx:bookworm' },
      },
      bad: {
        raw: { 'proxy-image': 'nginx 1.27' },
        message:
          "input 'proxy-image' has invalid value 'nginx 1.27': an image reference [host/]name[:tag][@digest], e.g. nginx:1.27",
      },
    },
    {
      input: 'tls-termination',
      good: { raw: { 'tls-termination': 'upstream' }, gives: { tlsTermination: 'upstream' } },
      bad: {
        raw: { 'tls-termination': 'certbot' },
        message: "input 'tls-termination' has invalid value 'certbot': 'nginx' or 'upstream'",
      },
    },
    {
      input: 'proxy-env',
      good: {
        raw: { 'proxy-env': 'FLASK_SERVER_ADDR=web:8000\nNGINX_HOST=example.com' },
        gives: {
          proxyEnv: [
            ['FLASK_SERVER_ADDR', 'web:8000'],
            ['NGINX_HOST', 'example.com'],
          ],
        },
      },
      bad: {
        raw: { 'proxy-env': 'flask server=x' },
        message:
          "input 'proxy-env' has invalid value 'flask server=***': one KEY=VALUE per line, KEY made of letters, digits and _",
      },
    },
    {
      input: 'introspect',
      good: { raw: { introspect: 'false' }, gives: { introspect: false } },
      bad: {
        raw: { introspect: 'yes' },
        message: "input 'introspect' has invalid value 'yes': 'true' or 'false'",
      },
    },
    {
      input: 'boot-timeout',
      good: { raw: { 'boot-timeout': '15' }, gives: { bootTimeoutS: 15 } },
      bad: {
        raw: { 'boot-timeout': '0' },
        message: "input 'boot-timeout' has invalid value '0': a whole number from 1 to 3600",
      },
    },
    {
      input: 'fail-on',
      good: { raw: { 'fail-on': 'warning' }, gives: { failOn: 'warning' } },
      bad: {
        raw: { 'fail-on': 'sometimes' },
        message: "input 'fail-on' has invalid value 'sometimes': 'error', 'warning' or 'never'",
      },
    },
    {
      input: 'skip-checks',
      good: {
        raw: { 'skip-checks': 'tls.hsts, logs.stdout\nproxy.rate-limit' },
        gives: { skipChecks: ['tls.hsts', 'logs.stdout', 'proxy.rate-limit'] },
      },
      bad: {
        raw: { 'skip-checks': 'tls.hsst' },
        message:
          "input 'skip-checks' has invalid value 'tls.hsst': check ids from the catalog (build.image, build.layer-cache, image.no-baked-secrets, ...)",
      },
    },
    {
      input: 'name',
      good: {
        raw: { name: 'api (eu)' },
        gives: {
          name: 'api (eu)',
          reportPath: path.join(os.tmpdir(), 'flask-deploy-check', 'report-api__eu_.json'),
        },
      },
      bad: {
        raw: { name: 'api<br>' },
        message:
          "input 'name' has invalid value 'api<br>': a short label without line breaks or < >",
      },
    },
    {
      input: 'comment',
      good: { raw: { comment: 'False' }, gives: { comment: false } },
      bad: {
        raw: { comment: 'off' },
        message: "input 'comment' has invalid value 'off': 'true' or 'false'",
      },
    },
    {
      input: 'github-token',
      good: { raw: { 'github-token': 'ghs_abc' }, gives: { githubToken: 'ghs_abc' } },
      bad: { none: 'any token; only the GitHub API judges it (never on a docker command line)' },
    },
    {
      input: 'report-path',
      good: {
        raw: { 'report-path': 'out/report.json' },
        gives: { reportPath: at('out/report.json') },
      },
      bad: { none: 'any path; the directory is created when the report is written' },
    },
    {
      input: 'mode',
      good: { raw: COMMENT_ONLY, gives: { mode: 'comment-only' } },
      bad: {
        raw: { mode: 'post' },
        message: "input 'mode' has invalid value 'post': 'check' or 'comment-only'",
      },
    },
    {
      input: 'report-file',
      good: {
        raw: COMMENT_ONLY,
        gives: { reportFile: at('report.json'), reportPath: at('report.json') },
      },
      bad: {
        raw: { image: 'flask-deploy-check/app:1f2e', 'report-file': 'report.json' },
        message:
          "input 'report-file' has invalid value 'report.json': only used with mode: comment-only",
      },
    },
    {
      input: 'policy-file',
      good: {
        raw: { 'policy-file': 'policy.yml' },
        gives: {
          failOn: 'warning',
          policy: { file: 'policy.yml', checks: {}, inputs: { 'fail-on': 'warning' } },
        },
      },
      bad: {
        raw: { 'policy-file': 'nope.yml' },
        message: `input 'policy-file' has invalid value 'nope.yml': an existing file (looked for ${at('nope.yml')})`,
      },
    },
    {
      input: 'baseline-report',
      good: {
        raw: { 'baseline-report': 'base/report.json' },
        gives: { baselineReport: at('base/report.json') },
      },
      bad: {
        none: 'any path: a missing baseline (the first run on a branch) compares nothing, and says so',
      },
    },
    {
      input: 'fail-on-new-only',
      good: { raw: { 'fail-on-new-only': 'true' }, gives: { failOnNewOnly: true } },
      bad: {
        raw: { 'fail-on-new-only': 'yes' },
        message: "input 'fail-on-new-only' has invalid value 'yes': 'true' or 'false'",
      },
    },
    {
      input: 'sarif-path',
      good: { raw: { 'sarif-path': 'out/fdc.sarif' }, gives: { sarifPath: at('out/fdc.sarif') } },
      bad: { none: 'any path; the directory is created when the log is written' },
    },
    {
      input: 'compose-file',
      // stack/ has no Dockerfile: with compose the service's build section names it.
      good: {
        raw: { 'compose-file': 'stack/docker-compose.yml', context: 'stack' },
        gives: {
          context: at('stack'),
          compose: {
            files: [at('stack/docker-compose.yml')],
            contextSet: true,
            fileSet: false,
          },
        },
      },
      bad: {
        raw: { 'compose-file': 'docker-compose.yml' },
        message: `input 'compose-file' has invalid value 'docker-compose.yml': an existing file (looked for ${at('docker-compose.yml')})`,
      },
    },
    {
      input: 'compose-service',
      good: {
        raw: { 'compose-file': 'stack/docker-compose.yml', 'compose-service': 'web' },
        gives: { compose: expect.objectContaining({ service: 'web' }) as Options['compose'] },
      },
      bad: {
        raw: { 'compose-service': 'web' },
        message: "input 'compose-service' has invalid value 'web': only used with compose-file",
      },
    },
    {
      input: 'runtime',
      good: {
        raw: { runtime: 'host', 'unit-file': 'deploy/app.service' },
        gives: { runtime: 'host', unitFile: at('deploy/app.service') },
      },
      bad: {
        raw: { runtime: 'systemd' },
        message: "input 'runtime' has invalid value 'systemd': 'auto', 'docker' or 'host'",
      },
    },
    {
      input: 'unit-file',
      good: {
        raw: { runtime: 'host', 'unit-file': 'deploy/app.service' },
        gives: { unitFile: at('deploy/app.service') },
      },
      bad: {
        raw: { runtime: 'host', 'unit-file': 'deploy/none.service' },
        message: `input 'unit-file' has invalid value 'deploy/none.service': an existing unit file (looked for ${at('deploy/none.service')})`,
      },
    },
    {
      input: 'keep-image',
      good: { raw: { 'keep-image': 'true' }, gives: { keepImage: true } },
      bad: {
        raw: { 'keep-image': 'always' },
        message: "input 'keep-image' has invalid value 'always': 'true' or 'false'",
      },
    },
    {
      input: 'cache-from',
      good: {
        raw: { 'cache-from': 'type=gha\ntype=local,src=.buildx-cache\nuser/app:cache' },
        gives: {
          cacheFrom: ['type=gha', `type=local,src=${at('.buildx-cache')}`, 'user/app:cache'],
        },
      },
      bad: {
        raw: { 'cache-from': 'type=ftp,src=x' },
        message: `input 'cache-from' has invalid value 'type=ftp,src=x': ${CACHE_ACCEPTED}`,
      },
    },
    {
      input: 'cache-to',
      good: { raw: { 'cache-to': 'type=gha,mode=max' }, gives: { cacheTo: ['type=gha,mode=max'] } },
      bad: {
        raw: { 'cache-to': '--push' },
        message: `input 'cache-to' has invalid value '--push': ${CACHE_ACCEPTED}`,
      },
    },
  ]
}

const CACHE_ACCEPTED =
  'type=registry|local|gha|inline|s3|azblob[,key=value...] or an image reference'
