/**
 * The action's two steps. main: inputs -> pipeline -> report surfaces -> fail the step when the
 * verdict says so (report first, then fail). post: remove whatever a cancelled or crashed main
 * left behind; it only ever warns.
 */
import * as core from '@actions/core'
import { removeComposeProject } from './docker/compose'
import { removeRun } from './docker/stack'
import { killRecorded } from './host/registry'
import { removeRunTemp } from './runtime/temp'
import { publishToGitHub, untrustedForkWarning } from './github/publish'
import { readInputs } from './inputs'
import type { Logger } from './log'
import { UsageError, type Options } from './options'
import { newRunId, runPipeline } from './pipeline'
import { baselineLines, exceptionLines } from './report/adoption'
import { observatoryLine } from './report/observatory/render'
import { annotationsFor } from './report/annotations'
import { renderSummary } from './report/markdown'
import { readReport } from './report/read'
import type { Report } from './report/report'
import { reportFailureMessage, stepFailureMessage } from './report/verdict-text'
import * as state from './state'

const actionLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  stage: (title, fn) => core.group(title, fn),
  secret: (v) => core.setSecret(v),
}

/** Cancellation on a runner arrives as SIGINT then SIGTERM: turn both into an abort. */
function abortOnSignals(): AbortController {
  const controller = new AbortController()
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      core.warning(`received ${sig}: stopping and removing containers`)
      controller.abort(new Error(`cancelled by ${sig}`))
    })
  }
  return controller
}

async function publish(report: Report, options: Options): Promise<string> {
  core.setOutput('verdict', report.verdict)
  core.setOutput('passed', report.counts.passed)
  core.setOutput('failed', report.counts.failed)
  core.setOutput('skipped', report.counts.skipped)
  core.setOutput('report-path', options.reportPath)
  core.setOutput('image', report.target.image)
  core.setOutput('comment-url', '')
  for (const line of [...baselineLines(report), ...exceptionLines(report)]) core.info(line)
  const grade = observatoryLine(report)
  if (grade) core.info(grade)
  for (const a of annotationsFor(report, options.failOn)) {
    const props = { title: a.title, file: a.file, startLine: a.startLine }
    if (a.level === 'error') core.error(a.message, props)
    else if (a.level === 'warning') core.warning(a.message, props)
    else core.notice(a.message, props)
  }
  const summary = renderSummary(report)
  try {
    await core.summary.addRaw(summary, true).write()
  } catch (err) {
    // No GITHUB_STEP_SUMMARY (e.g. an old runner): the report file and outputs still stand.
    core.warning(`could not write the job summary: ${(err as Error).message}`)
  }
  return summary
}

/** The PR comment and the check run; never fails the step. */
async function postToGitHub(report: Report, summary: string, options: Options): Promise<void> {
  if (!options.comment) return
  if (!options.githubToken) {
    core.info('flask-deploy-check: no github-token; the comment and check run are skipped')
    return
  }
  const { comment } = await publishToGitHub(report, summary, options, actionLogger)
  if (comment.url && comment.posted) core.setOutput('comment-url', comment.url)
}

/** The main step. */
export async function main(): Promise<void> {
  state.markMainStarted()
  let options: Options
  try {
    options = readInputs()
  } catch (err) {
    core.setFailed(
      err instanceof UsageError ? err.message : `could not read inputs: ${String(err)}`,
    )
    return
  }
  if (options.mode === 'comment-only') return commentOnly(options)
  const forkWarning = untrustedForkWarning()
  if (forkWarning) core.warning(forkWarning)
  const runId = newRunId()
  state.saveRunId(runId)
  state.saveKeepImage(options.keepImage)
  const controller = abortOnSignals()
  try {
    const { report } = await runPipeline(options, actionLogger, {
      runId,
      signal: controller.signal,
    })
    const summary = await core.group('Publishing report', () => publish(report, options))
    await core.group('Posting to GitHub', () => postToGitHub(report, summary, options))
    if (report.verdict === 'fail') core.setFailed(stepFailureMessage(report, options.failOn))
    else
      core.info(
        `flask-deploy-check: pass (${report.counts.passed} passed, ${report.counts.skipped} skipped)`,
      )
  } catch (err) {
    // A compose project that does not validate is bad input, found only once docker reads it.
    if (err instanceof UsageError) return core.setFailed(err.message)
    core.setFailed(
      `flask-deploy-check could not complete: ${err instanceof Error ? err.message : String(err)}`,
    )
    // The CLI's code for "could not run": the runner's fault, not a verdict on the app.
    process.exitCode = 3
  }
}

/** mode: comment-only: post a report written by an earlier run; nothing is built or started. */
async function commentOnly(options: Options): Promise<void> {
  try {
    const report = await readReport(options.reportFile ?? options.reportPath)
    const summary = await core.group('Publishing report', () => publish(report, options))
    await core.group('Posting to GitHub', () => postToGitHub(report, summary, options))
    if (report.verdict === 'fail') core.setFailed(reportFailureMessage(report))
    else core.info(`flask-deploy-check: pass (${report.counts.passed} passed)`)
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err))
  }
}

/**
 * The post step: a safety net that removes leftovers of this run by its labels (containers,
 * networks, volumes, the image unless keep-image) and its temporary files by their prefix.
 */
export async function post(): Promise<void> {
  const runId = state.savedRunId()
  if (!runId) return
  // Host mode's process groups (the app, nginx) are recorded by pgid; docker's by label.
  const killed = killRecorded(runId)
  if (killed > 0) core.info(`ended ${killed} leftover process group(s) of run ${runId}`)
  try {
    const temp = removeRunTemp(runId)
    const removed = await removeRun(runId, undefined, { images: !state.savedKeepImage() })
    if (removed + temp > 0)
      core.info(`removed ${removed} leftover object(s) and ${temp} temp path(s) of run ${runId}`)
    // Compose's volumes carry no container to find them by: down -v takes them by project label.
    await removeComposeProject(runId)
  } catch (err) {
    core.warning(
      `cleanup of run ${runId} failed: ${err instanceof Error ? err.message : String(err)}`,
    )
  }
}
