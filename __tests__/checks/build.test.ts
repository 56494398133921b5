import type { BuildFacts, Observations } from '../../src/facts/types'
import { check, part, recorded, withDockerfile, withPart } from './observations'

/** The good recording's build, failed as `change` says (no recording has a failing build). */
function failedBuild(change: Partial<BuildFacts>): Observations {
  const good = recorded('good')
  return withPart(good, 'build', { ...part(good, 'build'), ok: false, ...change })
}

describe('build.image', () => {
  test('a successful build reports its duration and the image size', () => {
    const r = check('build.image', recorded('good'))
    expect(r.status).toBe('passed')
    expect(r.summary).toMatch(/^built in \d+\.\d s, \d+\.\d MB$/)
  })

  test('a failed build shows the exit code, the failing line and the log tail, with ENV values masked', () => {
    const tail = [
      'Step 4/9 : ENV SECRET_KEY=hunter2 DATABASE_URL=postgres://app:pw@db/app',
      ' ---> Running in 1f2e3d',
      'Step 5/9 : RUN pip install --no-cache-dir -r requirements.txt',
      ' ---> Running in 4a5b6c',
      'ERROR: Could not find a version that satisfies the requirement flask==99',
      "The command '/bin/sh -c pip install --no-cache-dir -r requirements.txt' returned a non-zero code: 1",
    ]
    // The legacy builder's log of a failing pip install; the image part goes with the build.
    const obs = withPart(failedBuild({ exitCode: 1, durationMs: 8400, logTail: tail }), 'image', {
      unavailable: 'the image did not build',
    })
    const r = check('build.image', obs)
    expect(r.status).toBe('failed')
    expect(r.summary).toBe('docker build failed with exit code 1 after 8.4 s at Dockerfile line 6')
    expect(r.location).toEqual({ file: '__tests__/fixtures/good/Dockerfile', line: 6 })
    expect(r.evidence).toContain(
      'ERROR: Could not find a version that satisfies the requirement flask==99',
    )
    expect(r.evidence).toContain('Step 4/9 : ENV SECRET_KEY=*** DATABASE_URL=***')
    expect(JSON.stringify(r)).not.toMatch(/hunter2|:pw@/)
    expect(r.fix).toMatch(/docker build/)
  })

  test("this engine's BuildKit names only the step: its line, and the step's own exit code", () => {
    // As docker build (buildx 0.13, engine 20.10's BuildKit v0.8) printed a failing pip install.
    const tail = [
      '#7 [3/5] COPY requirements.txt .',
      '#7 DONE 0.0s',
      '',
      '#8 [4/5] RUN pip install --no-cache-dir -r requirements.txt',
      '#8 1.021 ERROR: No matching distribution found for flask==99',
      '#8 ERROR: executor failed running [/bin/sh -c pip install --no-cache-dir -r requirements.txt]: exit code: 1',
      '------',
      ' > [4/5] RUN pip install --no-cache-dir -r requirements.txt:',
      '1.021 ERROR: No matching distribution found for flask==99',
      '------',
    ]
    const obs = failedBuild({
      exitCode: 1,
      durationMs: 2100,
      logTail: tail,
      error:
        'ERROR: failed to solve: executor failed running [/bin/sh -c pip install --no-cache-dir -r requirements.txt]: exit code: 7',
    })
    const r = check('build.image', obs)
    expect(r.summary).toBe('docker build failed with exit code 7 after 2.1 s at Dockerfile line 6')
    expect(r.location?.line).toBe(6)
  })

  test('BuildKit names the line as Dockerfile:N, and only the last 40 log lines are kept', () => {
    const tail = [
      ...Array.from({ length: 60 }, (_, i) => `#8 ${i} noise`),
      'Dockerfile:7',
      '--------------------',
    ]
    const obs = failedBuild({ exitCode: 1, durationMs: 1000, logTail: tail })
    const r = check('build.image', obs)
    expect(r.location?.line).toBe(7)
    expect(r.evidence).toHaveLength(40)
  })

  test('an `image` that does not exist fails with that reason', () => {
    const obs = failedBuild({
      mode: 'existing',
      imageRef: 'registry.example/acme/app:pr-1',
      exitCode: undefined,
      durationMs: 300,
      logTail: [],
      error: 'No such image: registry.example/acme/app:pr-1',
    })
    const r = check('build.image', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'image registry.example/acme/app:pr-1 does not exist',
    })
    expect(r.fix).toMatch(/leave `image` empty/)
  })
})

describe('build.layer-cache', () => {
  const layerCache = (text: string): ReturnType<typeof check> =>
    check('build.layer-cache', withDockerfile(recorded('good'), text))

  test('the recorded good Dockerfile passes, naming the install and copy lines', () => {
    const r = check('build.layer-cache', recorded('good'))
    expect(r.status).toBe('passed')
    expect(r.summary).toBe(
      'dependencies install at line 6, before the source is copied (line 7); pip keeps no download cache',
    )
  })

  test('installing after COPY . . fails at the COPY line, and a missing --no-cache-dir is named too', () => {
    const r = check('build.layer-cache', recorded('bad-layer-cache'))
    expect(r.status).toBe('failed')
    expect(r.location).toEqual({ file: '__tests__/fixtures/bad-layer-cache/Dockerfile', line: 6 })
    expect(r.summary).toMatch(/^dependencies install after the whole source is copied \(line 6\)/)
    expect(r.summary).toMatch(/no --no-cache-dir/)
    expect(r.fix).toMatch(/^copy requirements.txt and install dependencies before `COPY \. \.`/)
    expect(r.evidence).toContain('line 7: RUN pip install -r requirements.txt (runs after it)')
  })

  test('the only problem being pip cache: location is the RUN line', () => {
    const r = layerCache(
      'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . /app\n',
    )
    expect(r).toMatchObject({ status: 'failed', location: { line: 3 } })
    expect(r.summary).toBe('pip keeps its download cache in the image (line 3: no --no-cache-dir)')
    expect(r.fix).toMatch(/--no-cache-dir/)
  })

  test.each([
    [
      'ENV PIP_NO_CACHE_DIR',
      'FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n',
    ],
    [
      'a cache mount',
      'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCOPY . .\n',
    ],
    [
      'poetry',
      'FROM python:3.12-slim\nCOPY pyproject.toml poetry.lock ./\nRUN pip install --no-cache-dir poetry && poetry install --no-root\nCOPY . .\n',
    ],
    [
      'deps preinstalled in a builder stage',
      'FROM python:3.12-slim AS build\nCOPY . .\nRUN pip wheel -w /w .\nFROM python:3.12-slim\nCOPY --from=build /w /w\nCOPY . /app\n',
    ],
  ])('%s passes', (_name, text) => {
    expect(layerCache(text).status).toBe('passed')
  })

  test('an image with no pip install at all passes and says so', () => {
    const r = layerCache('FROM acme/flask-base:1\nCOPY . /app\nCMD ["gunicorn", "app:app"]\n')
    expect(r.status).toBe('passed')
    expect(r.summary).toMatch(/^no dependency install in the image stages/)
  })

  test('ADD . and poetry install after it fail with the poetry manifests in the fix', () => {
    const r = layerCache(
      'FROM python:3.12-slim\nADD . /app\nRUN pip install --no-cache-dir poetry\nRUN poetry install\n',
    )
    expect(r.status).toBe('failed')
    expect(r.location?.line).toBe(2)
    expect(r.fix).toMatch(
      /^copy pyproject.toml poetry.lock and install dependencies before `ADD \. \/app`/,
    )
  })

  test('the stage the image is built FROM counts, and only the target stage chain is judged', () => {
    const text = [
      'FROM python:3.12-slim AS base',
      'COPY . .',
      'RUN pip install --no-cache-dir -r requirements.txt',
      'FROM base AS app',
      'CMD ["gunicorn", "app:app"]',
      'FROM python:3.12-slim AS tools',
      'RUN echo no install here',
    ].join('\n')
    expect(check('build.layer-cache', withDockerfile(recorded('good'), text, 'app'))).toMatchObject(
      { status: 'failed', location: { line: 2 } },
    )
    expect(check('build.layer-cache', withDockerfile(recorded('good'), text, 'tools')).status).toBe(
      'passed',
    )
  })
})
