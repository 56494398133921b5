/**
 * Renders the PR comment for the example reports in docs/examples/ to HTML (markdown-it, set up
 * like GitHub: raw HTML, linkify, task lists) and, with headless Chromium, to docs/comment.png.
 * Run: npx ncc build scripts/render-comment.ts -o build/render && node build/render/index.js
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import MarkdownIt from 'markdown-it'
import { fitComment } from '../src/report/comment'
import type { Report } from '../src/report/report'

const root = path.join(__dirname, '..', '..')
const read = (f: string): Report =>
  JSON.parse(fs.readFileSync(path.join(root, 'docs/examples', f), 'utf8')) as Report
const runUrl = 'https://github.com/acme/shop/actions/runs/123456'
let body: string | undefined
for (const [file, name] of [
  ['report-web.json', 'web'],
  ['report-api.json', 'api'],
]) {
  body = fitComment(body, read(file), { name, sha: '3f9a1c7e5b2d4086a1b2', runUrl }).body
}
const md = new MarkdownIt({ html: true, linkify: true })
const html = md
  .render(body ?? '')
  // GitHub's task lists: markdown-it leaves `[ ]` as text (in a <p> when the list is loose).
  .replace(/<(li|p)>\[ \] /g, '<$1 class="task"><input type="checkbox" disabled> ')
  // Show the first failure's evidence open in the picture.
  .replace('<details><summary>evidence</summary>', '<details open><summary>evidence</summary>')
const css = `body{font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328;
max-width:860px;margin:16px;border:1px solid #d1d9e0;border-radius:6px}
.head{background:#f6f8fa;border-bottom:1px solid #d1d9e0;padding:8px 16px;color:#59636e}
.body{padding:8px 16px}code{background:#eff1f3;padding:.1em .3em;border-radius:4px;font-size:85%}
pre{background:#f6f8fa;padding:8px;border-radius:6px;overflow:auto}li:has(> p.task),li:has(> input){list-style:none}
h3{border-bottom:1px solid #d1d9e0;padding-bottom:.3em}details{margin:4px 0}summary{cursor:pointer}`
const page = `<!doctype html><meta charset="utf-8"><style>${css}</style>
<div class="head"><b>github-actions</b> bot commented</div><div class="body">${html}</div>`
fs.mkdirSync(path.join(root, 'build'), { recursive: true })
const htmlFile = path.join(root, 'build', 'comment.html')
fs.writeFileSync(htmlFile, page)
fs.writeFileSync(path.join(root, 'docs', 'comment.md'), body ?? '')
execFileSync(
  'chromium',
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${fs.mkdtempSync('/tmp/fdc-chromium-')}`,
    '--hide-scrollbars',
    '--window-size=900,760',
    `--screenshot=${path.join(root, 'docs', 'comment.png')}`,
    `file://${htmlFile}`,
  ],
  { stdio: 'ignore', timeout: 60_000 },
)
process.stdout.write('docs/comment.png and docs/comment.md written\n')
