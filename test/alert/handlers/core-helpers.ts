/** Shared by the core handler tests: the exact event JSON Kapacitor's post/tcp/exec/log handlers send for testEvent(). */

/**
 * Kapacitor's alert data for the TestStream_Alert* event (CRITICAL `kapacitor/cpu/serverA`,
 * cpu/serverA count 10 at 1971-01-01T00:00:10Z), fields in Go's struct order; the handlers
 * write it with json.Encoder, which appends a newline.
 */
export const EXPECTED_PAYLOAD =
  '{"id":"kapacitor/cpu/serverA","message":"kapacitor/cpu/serverA is CRITICAL","details":"details",' +
  '"time":"1971-01-01T00:00:10Z","duration":0,"level":"CRITICAL",' +
  '"data":{"series":[{"name":"cpu","tags":{"host":"serverA"},"columns":["time","count"],"values":[["1971-01-01T00:00:10Z",10]]}]},' +
  '"previousLevel":"OK","recoverable":true}\n'
