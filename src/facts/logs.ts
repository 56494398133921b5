/** Pure parser of `docker logs --timestamps` output captured as two streams. */

export interface TimestampedLogs {
  stdout: string[]
  stderr: string[]
  /** Both streams in the order the container wrote them. */
  merged: string[]
}

interface Line {
  key: string
  seq: number
  text: string
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) ?/

function stamped(text: string, offset: number): Line[] {
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  let key = ''
  return lines.map((raw, i) => {
    const m = STAMP.exec(raw)
    // RFC3339Nano drops trailing zeros: pad the fraction so keys compare as strings.
    if (m) key = `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}`
    return { key, seq: offset + i, text: m ? raw.slice(m[0].length) : raw }
  })
}

/**
 * Splits `docker logs --timestamps` stdout/stderr into lines without the timestamps, and merges
 * the two streams by timestamp (docker's own interleaving is lost when they are captured apart).
 */
export function parseTimestampedLogs(stdout: string, stderr: string): TimestampedLogs {
  const out = stamped(stdout, 0)
  const err = stamped(stderr, out.length)
  const merged = [...out, ...err].sort((a, b) =>
    a.key === b.key ? a.seq - b.seq : a.key < b.key ? -1 : 1,
  )
  return {
    stdout: out.map((l) => l.text),
    stderr: err.map((l) => l.text),
    merged: merged.map((l) => l.text),
  }
}
