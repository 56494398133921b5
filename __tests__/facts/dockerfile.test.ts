import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { isUrlWithCredentials, parseDockerfile } from '../../src/facts/dockerfile'
import { readDockerfile } from '../../src/runtime/dockerfile'
import type { DockerfileFacts, DockerInstruction } from '../../src/facts/types'

function find(facts: DockerfileFacts, keyword: string, nth = 0): DockerInstruction {
  const found = facts.instructions.filter((i) => i.keyword === keyword)[nth]
  if (found === undefined) throw new Error(`no ${keyword} #${nth}`)
  return found
}

const MULTI_STAGE = `# syntax=docker/dockerfile:1
ARG PYTHON=3.12
FROM python:\${PYTHON}-slim AS Builder
COPY requirements.txt .
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt

FROM python:\${PYTHON}-slim AS runtime
COPY --from=Builder /wheels /wheels
RUN pip install --no-cache-dir /wheels/*
COPY . /app
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]

FROM runtime AS debug
CMD flask run --debug
`

describe('parseDockerfile', () => {
  test('stages: names, the stage of each instruction, and the final stage', () => {
    const facts = parseDockerfile(MULTI_STAGE, 'Dockerfile')
    expect(facts.path).toBe('Dockerfile')
    expect(facts.stageNames).toEqual(['Builder', 'runtime', 'debug'])
    expect(facts.finalStage).toBe(2)
    expect(find(facts, 'ARG').stage).toBe(-1)
    expect(find(facts, 'RUN', 0).stage).toBe(0)
    expect(find(facts, 'COPY', 1)).toMatchObject({
      stage: 1,
      from: 'Builder',
      args: ['/wheels', '/wheels'],
      line: 8,
    })
    expect(find(facts, 'CMD', 1)).toMatchObject({ stage: 2, line: 14 })
  })

  test('a target selects the final stage, case-insensitively as Docker does', () => {
    expect(parseDockerfile(MULTI_STAGE, 'Dockerfile', 'runtime').finalStage).toBe(1)
    expect(parseDockerfile(MULTI_STAGE, 'Dockerfile', 'BUILDER').finalStage).toBe(0)
  })

  test('shell form and JSON form of CMD, ENTRYPOINT, RUN and SHELL', () => {
    const facts = parseDockerfile(
      [
        'FROM python:3.12-slim',
        'SHELL ["/bin/bash", "-c"]',
        'RUN ["pip", "install", "gunicorn"]',
        'RUN pip install flask',
        "ENTRYPOINT ['tini', '--']",
        'CMD ["gunicorn", "app:app"]',
      ].join('\n'),
      'Dockerfile',
    )
    expect(find(facts, 'SHELL')).toMatchObject({ jsonForm: true, args: ['/bin/bash', '-c'] })
    expect(find(facts, 'RUN', 0)).toMatchObject({
      jsonForm: true,
      args: ['pip', 'install', 'gunicorn'],
    })
    expect(find(facts, 'RUN', 1)).toMatchObject({ jsonForm: false, raw: 'pip install flask' })
    // Single quotes are not JSON: Docker runs this through /bin/sh -c.
    expect(find(facts, 'ENTRYPOINT').jsonForm).toBe(false)
    expect(find(facts, 'CMD')).toMatchObject({ jsonForm: true, args: ['gunicorn', 'app:app'] })
    expect(find(facts, 'FROM').jsonForm).toBeUndefined()
  })

  test('line continuations are joined, comments inside them dropped, and the start line kept', () => {
    const facts = parseDockerfile(
      [
        'FROM python:3.12-slim',
        'RUN --mount=type=cache,target=/root/.cache/pip \\',
        '    pip install \\',
        '    # pinned in requirements',
        '    -r requirements.txt',
        'CMD gunicorn \\',
        '  -b 0.0.0.0:8000 app:app',
      ].join('\n'),
      'Dockerfile',
    )
    const run = find(facts, 'RUN')
    expect(run.line).toBe(2)
    expect(run.raw.replace(/\s+/g, ' ')).toBe(
      '--mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt',
    )
    expect(run.args).toEqual(['pip', 'install', '-r', 'requirements.txt'])
    expect(find(facts, 'CMD')).toMatchObject({
      line: 6,
      jsonForm: false,
      args: ['gunicorn', '-b', '0.0.0.0:8000', 'app:app'],
    })
  })

  test('ENV and ARG keep names and value shapes, never the values', () => {
    const text = [
      'ARG PIP_TOKEN',
      'ARG VERSION=1.2.3',
      'FROM python:3.12-slim',
      'ENV SECRET_KEY=s3cr3t-value DATABASE_URL="postgres://app:hunter2@db:5432/app" \\',
      '    EMPTY=',
      'ENV LEGACY value with spaces',
      'ENV TEMPLATE=postgres://app:${DB_PASSWORD}@db/app',
    ].join('\n')
    const facts = parseDockerfile(text, 'Dockerfile')
    expect(find(facts, 'ARG', 0).variables).toEqual([
      { name: 'PIP_TOKEN', hasValue: false, valueLength: 0, urlWithCredentials: false },
    ])
    expect(find(facts, 'ARG', 1).variables?.[0]).toMatchObject({
      name: 'VERSION',
      hasValue: true,
      valueLength: 5,
    })
    const env = find(facts, 'ENV', 0)
    expect(env.variables).toEqual([
      { name: 'SECRET_KEY', hasValue: true, valueLength: 12, urlWithCredentials: false },
      { name: 'DATABASE_URL', hasValue: true, valueLength: 34, urlWithCredentials: true },
      { name: 'EMPTY', hasValue: true, valueLength: 0, urlWithCredentials: false },
    ])
    expect(env.raw).toBe('SECRET_KEY=*** DATABASE_URL=*** EMPTY=')
    expect(find(facts, 'ENV', 1).variables?.[0]).toMatchObject({ name: 'LEGACY', valueLength: 17 })
    // A password taken from a variable is not baked into the text.
    expect(find(facts, 'ENV', 2).variables?.[0].urlWithCredentials).toBe(false)
    const everything = JSON.stringify(facts)
    for (const value of ['s3cr3t-value', 'hunter2', '1.2.3', 'with spaces'])
      expect(everything).not.toContain(value)
  })

  test('URL passwords in other instructions are masked', () => {
    const facts = parseDockerfile(
      'FROM python:3.12-slim\nRUN pip install --index-url https://ci:t0ken@pypi.example.com/simple flask\n',
      'Dockerfile',
    )
    const run = find(facts, 'RUN')
    expect(run.raw).toBe('pip install --index-url https://ci:***@pypi.example.com/simple flask')
    expect(run.args).toContain('https://ci:***@pypi.example.com/simple')
    expect(JSON.stringify(facts)).not.toContain('t0ken')
  })
})

describe('isUrlWithCredentials', () => {
  test.each([
    ['postgres://app:hunter2@db:5432/app', true],
    ['redis://:pw@cache:6379/0', true],
    ['postgres://app@db/app', false],
    ['http://example.com:8000/path@x', false],
    ['postgres://app:$DB_PASSWORD@db/app', false],
    ['not a url', false],
  ])('%s -> %s', (value, expected) => {
    expect(isUrlWithCredentials(value)).toBe(expected)
  })
})

describe('readDockerfile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fdc-dockerfile-'))

  test('reads and parses a file, locations use the repository-relative path', () => {
    const file = path.join(dir, 'Dockerfile')
    writeFileSync(file, 'FROM python:3.12-slim\nCMD ["gunicorn", "app:app"]\n')
    const facts = readDockerfile(file, 'app/Dockerfile')
    expect(facts).toMatchObject({ path: 'app/Dockerfile', finalStage: 0, stageNames: [''] })
  })

  test('a missing file, a file without FROM and an unknown target are unavailable, with the reason', () => {
    expect(readDockerfile(path.join(dir, 'nope'), 'nope')).toEqual({
      unavailable: 'cannot read Dockerfile nope: not found',
    })
    const noFrom = path.join(dir, 'Empty.Dockerfile')
    writeFileSync(noFrom, '# nothing here\n')
    expect(readDockerfile(noFrom, 'Empty.Dockerfile')).toEqual({
      unavailable: 'Dockerfile Empty.Dockerfile has no FROM instruction',
    })
    const file = path.join(dir, 'Dockerfile')
    expect(readDockerfile(file, 'Dockerfile', 'prod')).toEqual({
      unavailable: 'Dockerfile Dockerfile has no build stage named "prod"',
    })
  })
})
