// kafkajs, a Kafka client in pure JavaScript that shares no code with librdkafka, against `basin server`:
// admin (create, list, describe, delete topics; groups and their offsets), an idempotent producer, and a
// consumer group whose two members share three partitions until one leaves and the other takes them all.
// Usage: node kafka_kafkajs_test.mjs BOOTSTRAP BENCH_DIR
import { createRequire } from 'node:module'
import path from 'node:path'

const [bootstrap, bench] = process.argv.slice(2)
const require = createRequire(path.join(bench, 'package.json'))
const { Kafka, CompressionTypes, logLevel } = require('kafkajs')

// kafkajs logs rebalances (a member's heartbeat told to rejoin) as errors: real failures surface as exceptions
// and consumer crashes instead.
const kafka = new Kafka({ clientId: 'kafkajs-test', brokers: [bootstrap], logLevel: logLevel.NOTHING })
const topic = 'js-events'

function check (ok, message) {
  if (!ok) throw new Error(message)
}
// Poll `done` until it holds; fail after `ms`.
async function until (done, ms, what) {
  const deadline = Date.now() + ms
  while (!done()) {
    if (crashes.length > 0) throw new Error(`a consumer crashed: ${crashes}`)
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

const admin = kafka.admin()
await admin.connect()
check(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] }), 'createTopics')
check((await admin.listTopics()).includes(topic), 'listTopics lacks the topic')
const metadata = await admin.fetchTopicMetadata({ topics: [topic] })
check(metadata.topics[0].partitions.length === 3, 'three partitions')

const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
await producer.connect()
let sent = 0
async function send (n, compression) {
  const messages = []
  for (let i = 0; i < n; i++, sent++) messages.push({ key: `k${sent}`, value: `v${sent}` })
  const result = await producer.send({ topic, messages, compression, acks: -1 })
  check(result.every(r => r.errorCode === 0), `produce failed: ${JSON.stringify(result)}`)
}
await send(30, CompressionTypes.None)
await send(30, CompressionTypes.GZIP)

// One member reads everything from the beginning.
const seen = new Map()  // value -> member names
const assignments = new Map()  // member name -> partitions
const crashes = []
function member (name) {
  // A short fetch wait, so that a member told to rejoin does so without waiting out a long poll.
  const consumer = kafka.consumer({
    groupId: 'js-group', sessionTimeout: 6000, heartbeatInterval: 300, rebalanceTimeout: 10000, maxWaitTimeInMs: 500
  })
  consumer.on(consumer.events.GROUP_JOIN, e => assignments.set(name, e.payload.memberAssignment[topic] || []))
  consumer.on(consumer.events.CRASH, e => { crashes.push(`${name}: ${e.payload.error}`) })
  return {
    consumer,
    async start () {
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ message }) => {
          const v = message.value.toString()
          seen.set(v, [...(seen.get(v) || []), name])
        }
      })
    }
  }
}
const readAll = upTo => () => { for (let i = 0; i < upTo; i++) if (!seen.has(`v${i}`)) return false; return true }
const a = member('a')
await a.start()
await until(readAll(60), 30000, 'the first member reads the 60 records')

// A second member joins: they split the three partitions, and both read what comes next.
const b = member('b')
await b.start()
const split = () => {
  const pa = assignments.get('a') || []
  const pb = assignments.get('b') || []
  return pa.length > 0 && pb.length > 0 && new Set([...pa, ...pb]).size === 3 && pa.length + pb.length === 3
}
await until(split, 30000, 'the two members split the partitions')
await send(60)
await until(readAll(120), 30000, 'the two members read the next 60 records')
const readers = new Set()
for (let i = 60; i < 120; i++) for (const m of seen.get(`v${i}`)) readers.add(m)
check(readers.size === 2, `only ${[...readers]} read the records produced while both were members`)

// The second leaves: the first takes every partition and reads on.
await b.consumer.disconnect()
await until(() => (assignments.get('a') || []).length === 3, 30000, 'the remaining member takes all partitions')
await send(30)
await until(readAll(150), 30000, 'the remaining member reads the last 30 records')

const groups = await admin.listGroups()
check(groups.groups.some(g => g.groupId === 'js-group'), 'listGroups lacks js-group')
const described = await admin.describeGroups(['js-group'])
check(described.groups[0].state === 'Stable' && described.groups[0].members.length === 1, `describeGroups: ${JSON.stringify(described.groups[0].state)}`)
await a.consumer.disconnect()
const offsets = await admin.fetchOffsets({ groupId: 'js-group', topics: [topic] })
const committed = offsets[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0)
check(committed === 150, `committed offsets add up to ${committed}, not 150`)

await producer.disconnect()
check(await admin.deleteTopics({ topics: [topic] }) === undefined, 'deleteTopics')
check(!(await admin.listTopics()).includes(topic), 'the topic is still listed after deleteTopics')
await admin.disconnect()
console.log('kafkajs: admin, idempotent produce, a group of two sharing and taking over: ok')
