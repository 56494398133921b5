/** Bounded concurrency for independent requests, results in plan order. */
import { mapInOrder } from '../../src/probe/in-order'
import { proxyParallelism, type ProxyRuntime } from '../../src/probe/proxy-requests'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

test('results keep the order asked, whatever order they finish in; never more than the limit at once', async () => {
  let inFlight = 0
  let most = 0
  const delays = [40, 5, 30, 1, 20, 10, 2]
  const out = await mapInOrder(delays, 3, async (ms, i) => {
    most = Math.max(most, ++inFlight)
    await sleep(ms)
    inFlight--
    return `${i}:${ms}`
  })
  expect(out).toEqual(delays.map((ms, i) => `${i}:${ms}`))
  expect(most).toBe(3)
})

test('a limit of 1 sends one after another', async () => {
  const order: string[] = []
  await mapInOrder(['a', 'b', 'c'], 1, async (x) => {
    order.push(`start ${x}`)
    await sleep(5)
    order.push(`end ${x}`)
  })
  expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
})

test('through the proxy, a limit_req burst smaller than the requests planned means one at a time', () => {
  const rt = { rateLimited: false } as ProxyRuntime
  expect(proxyParallelism(rt, 4, 60)).toBe(4)
  expect(proxyParallelism({ ...rt, rateLimited: true, rateBurst: 100 }, 4, 60)).toBe(4)
  expect(proxyParallelism({ ...rt, rateLimited: true, rateBurst: 20 }, 4, 60)).toBe(1)
  expect(proxyParallelism({ ...rt, rateLimited: true }, 4, 60)).toBe(1)
})
