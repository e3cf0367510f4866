// Scores an http-cache-tests results file as cache-tests.fyi does (lib/display.mjs's
// determineTestResult, dependencies honoured): counts per kind and the ids of failed required
// tests. Usage: node score_cache_tests.mjs SUITE_DIR RESULTS.json
import fs from 'fs'
import path from 'path'
import { pathToFileURL } from 'url'

const [suiteDir, resultsFile] = process.argv.slice(2)
const load = (p) => import(pathToFileURL(path.join(suiteDir, p)).href)
const tests = (await load('tests/index.mjs')).default
const surrogate = (await load('tests/surrogate-control.mjs')).default
tests.push(surrogate)
const display = await load('lib/display.mjs')
const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'))

const names = { '✅': 'pass', '⛔️': 'fail', '⚠️': 'not-optimal', Y: 'yes', N: 'no', '🔹': 'setup-fail',
  '⁉️': 'harness-fail', '⚪️': 'dependency-fail', '↻': 'retry', '-': 'untested' }
const counts = {}
const failedRequired = []
for (const suite of tests) {
  for (const test of suite.tests) {
    const kind = test.kind || 'required'
    const symbol = display.determineTestResult(tests, test.id, results)[2]
    const name = names[symbol] || symbol
    counts[kind] = counts[kind] || {}
    counts[kind][name] = (counts[kind][name] || 0) + 1
    if (kind === 'required' && name === 'fail') failedRequired.push(`${test.id}: ${test.name}`)
  }
}
console.log(JSON.stringify({ counts, failedRequired }, null, 1))
