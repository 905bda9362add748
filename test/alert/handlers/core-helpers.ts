/** Shared by the core handler tests: Kapacitor's event of TestStream_AlertHTTPPost / AlertLog / AlertExec and the exact bytes its handlers send. */
import type { AlertEvent } from '../../../src/alert/types.js'
import { testEvent } from './service-helpers.js'

/** The event those Kapacitor tests fire: `.id('kapacitor.{{ .Name }}.{{ index .Tags "host" }}')`, `.details('')`, CRITICAL on count 10. */
export function kapacitorEvent(over: Partial<AlertEvent> = {}): AlertEvent {
  return testEvent({ id: 'kapacitor.cpu.serverA', message: 'kapacitor.cpu.serverA is CRITICAL', details: '', ...over })
}

/**
 * json.Marshal of TestStream_AlertExec's expected alert.Data plus the trailing newline the
 * test appends (json.Encoder's newline, which post/tcp/log write too): fields in Go's
 * struct order, PreviousLevel the zero level OK.
 */
export const EXPECTED_PAYLOAD =
  '{"id":"kapacitor.cpu.serverA","message":"kapacitor.cpu.serverA is CRITICAL","details":"",' +
  '"time":"1971-01-01T00:00:10Z","duration":0,"level":"CRITICAL",' +
  '"data":{"series":[{"name":"cpu","tags":{"host":"serverA"},"columns":["time","count"],"values":[["1971-01-01T00:00:10Z",10]]}]},' +
  '"previousLevel":"OK","recoverable":true}\n'
