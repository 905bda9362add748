/**
 * Hand-written line-protocol cases for the influxd oracle (test/ingest/oracle.test.ts).
 * Each case is one or more `/write` requests sent in order to a fresh database; the
 * oracle decides what is right, so a case only states its input and, for influxd
 * behaviours that are not parsing (wire-compat.md §a.3), the storage class influxd is
 * expected to answer with.
 */
import type { StorageClass } from './oracle-harness.js'

export interface OracleRequest {
  body: string | Buffer
  /** Raw `precision` parameter; absent when undefined. */
  precision?: string
  /** The storage-layer class influxd answers this request with (not a parse verdict). */
  storage?: StorageClass
  /**
   * influxd accepts the line but its points cannot be read back (its index unescapes the
   * measurement twice); only the verdict is compared.
   */
  unreadable?: true
  /**
   * A deliberate, documented difference of our parser from influxd: the comparison still
   * runs and is reported as a TODO (visible in tap's summary) instead of a failure.
   */
  deviation?: string
}

export interface OracleCase {
  name: string
  requests: OracleRequest[]
}

const T = '1600000000000000000' // 2020-09-13, ns
const raw = String.raw

function c(name: string, body: string | Buffer, precision?: string, storage?: StorageClass): OracleCase {
  return { name, requests: [{ body, precision, storage }] }
}
function unreadable(cs: OracleCase): OracleCase {
  return { ...cs, requests: cs.requests.map((r) => ({ ...r, unreadable: true as const })) }
}
function deviation(why: string, cs: OracleCase): OracleCase {
  return { ...cs, requests: cs.requests.map((r) => ({ ...r, deviation: why })) }
}
function lines(...ls: string[]): string { return ls.join('\n') }

/** Go's strconv.FormatFloat(math.MaxFloat64, 'f', -1, 64): 309 digits. */
const MAX_FLOAT_F = (((1n << 53n) - 1n) << 971n).toString()
/** Go's strconv.FormatFloat(5e-324, 'f', -1, 64). */
const MIN_DENORMAL_F = '0.' + '0'.repeat(323) + '5'

function manyTags(n: number): string {
  return Array.from({ length: n }, (_, i) => `t${String(i).padStart(3, '0')}=v`).join(',')
}

export const CASES: OracleCase[] = [
  // ---- measurement escapes
  c('measurement plain', `cpu v=1 ${T}`),
  c('measurement escaped space', raw`cpu\ load v=1 ${T}`),
  c('measurement escaped comma', raw`cpu\,load v=1 ${T}`),
  c('measurement escaped equals (not an escape there)', raw`cpu\=load v=1 ${T}`),
  c('measurement unescaped equals', `cpu=load v=1 ${T}`),
  c('measurement double backslash', raw`cpu\\load v=1 ${T}`),
  unreadable(c('measurement ends with double backslash then tags', raw`cpu\\,t=1 v=1 ${T}`)),
  c('measurement backslash before other char', raw`cpu\aload v=1 ${T}`),
  unreadable(c('measurement double backslash then equals', raw`cpu\\=x v=1 ${T}`)),
  unreadable(c('measurement with quote and double backslash space', raw`cpu"t=a\\ b v=1i ${T}`)),
  unreadable(c('measurement triple backslash space', raw`cpu\\\ load v=1 ${T}`)),
  c('measurement escaped trailing space swallows fields', raw`cpu\ v=1 ${T}`),
  c('measurement trailing backslash at end of line', raw`cpu v=1 ${T}` + '\n' + raw`cpu\ `),
  c('measurement with double quotes', `"cpu" v=1 ${T}`),
  c('measurement with hash inside', `cpu#1 v=1 ${T}`),
  c('measurement unicode', `温度,地点=北京 值=1 ${T}`),
  c('measurement NUL byte', `cp\u0000u v=1 ${T}`),
  c('missing measurement (leading comma)', `,t=1 v=1 ${T}`),
  c('missing measurement (leading space is skipped, then fields as measurement)', ` v=1 ${T}`),
  c('leading spaces and tab are skipped', `  \tcpu v=1 ${T}`),
  c('escaped comma first char', raw`\,cpu v=1 ${T}`),

  // ---- tag keys and values
  c('tag simple', `cpu,host=a v=1 ${T}`),
  c('tags unsorted are sorted', `cpu,b=2,a=1,c=3 v=1 ${T}`),
  c('tag key and value escaped space', raw`cpu,ho\ st=a\ b v=1 ${T}`),
  c('tag key and value escaped comma', raw`cpu,ho\,st=a\,b v=1 ${T}`),
  c('tag key and value escaped equals', raw`cpu,ho\=st=a\=b v=1 ${T}`),
  c('tag value unescaped equals', `cpu,host=a=b v=1 ${T}`),
  c('tag value ends with escaped backslash', raw`cpu,host=a\\ v=1 ${T}`),
  c('tag value escaped space swallows fields', raw`cpu,host=a\ v=1 ${T}`),
  c('tag value with double quotes', `cpu,host="a b" v=1 ${T}`),
  c('tag value with escaped quote', raw`cpu,host=a\"b v=1 ${T}`),
  c('tag value backslash-n stays literal', raw`cpu,host=a\nb v=1 ${T}`),
  c('tag value backslash other char', raw`cpu,host=a\xb v=1 ${T}`),
  c('tag value single backslash at end before space', raw`cpu,host=a\ ,x=1 v=1 ${T}`),
  c('tag missing value', `cpu,host= v=1 ${T}`),
  c('tag missing key', `cpu,=a v=1 ${T}`),
  c('tag without equals', `cpu,host v=1 ${T}`),
  c('tag empty after comma', `cpu, v=1 ${T}`),
  c('tag trailing comma', `cpu,host=a, v=1 ${T}`),
  c('tag double comma', `cpu,a=1,,b=2 v=1 ${T}`),
  c('duplicate tags different values', `cpu,host=a,host=b v=1 ${T}`),
  c('duplicate tags same values', `cpu,host=a,host=a v=1 ${T}`),
  c('duplicate tags non-adjacent', `cpu,a=1,b=2,a=1 v=1 ${T}`),
  c('tag key with hash and unicode', `cpu,#k=ü v=1 ${T}`),
  c('tag key equals field key', `cpu,v=t v=1 ${T}`),
  c('tags only, no fields', `cpu,host=a`),
  c('tag value unicode escaped space', raw`cpu,city=San\ José v=1 ${T}`),

  // ---- field keys
  c('field key escaped space', raw`cpu f\ k=1 ${T}`),
  c('field key escaped comma', raw`cpu f\,k=1 ${T}`),
  c('field key escaped equals', raw`cpu f\=k=1 ${T}`),
  c('field key escaped quote', raw`cpu f\"k=1 ${T}`),
  c('field key with quotes', `cpu "fk"=1 ${T}`),
  c('field key double backslash', raw`cpu f\\k=1 ${T}`),
  c('field key backslash other char', raw`cpu f\xk=1 ${T}`),
  c('field key hash', `cpu #f=1 ${T}`),
  c('field key empty after a tab (influxd stores a field named "")', `cpu \t=1 ${T}`),
  c('field key empty after a tab, next to a field named val0', `cpu \t=1,val0=2i ${T}`),
  c('field key missing', `cpu =1 ${T}`),
  c('field value missing', `cpu fk= ${T}`),
  c('field value missing at end', `cpu fk=`),
  c('field without equals', `cpu fk ${T}`),
  c('field trailing comma', `cpu fk=1, ${T}`),
  c('field double comma', `cpu fk=1,,g=2 ${T}`),
  c('field second without value', `cpu fk=1,g ${T}`),
  c('fields many types', `cpu a=1,b=2i,c="x",d=t,e=-1.5e-3 ${T}`),
  c('duplicate fields same type (last wins?)', `cpu v=1,v=2 ${T}`),
  c('duplicate fields different types (storage: type conflict)', `cpu v=1,v=2i ${T}`, undefined, 'type-conflict'),
  c('duplicate fields string then bool (storage: type conflict)', `cpu v="x",w=1,v=true ${T}`, undefined, 'type-conflict'),

  // ---- strings
  c('string simple', `cpu s="hello" ${T}`),
  c('string empty', `cpu s="" ${T}`),
  c('string escaped quote', raw`cpu s="a\"b" ${T}`),
  c('string escaped backslash', raw`cpu s="a\\b" ${T}`),
  c('string ends with escaped backslash', raw`cpu s="a\\" ${T}`),
  c('string backslash escaped quote pair', raw`cpu s="a\\\"b" ${T}`),
  c('string backslash-n and other backslashes stay literal', raw`cpu s="a\nb\tc\xd\,e\ f\=g" ${T}`),
  c('string single trailing backslash before quote', raw`cpu s="a\" ${T}`),
  c('string with spaces, commas, equals', `cpu s="a b,c=d e",v=1 ${T}`),
  c('string with real newline (quoted newline is part of the line)', `cpu s="line1\nline2" ${T}\ncpu v=1 ${T}`),
  c('string unterminated', `cpu s="abc ${T}`),
  c('string unterminated swallows next line', `cpu s="abc ${T}\ncpu2 v=1 ${T}`),
  c('string text after closing quote', `cpu s="a"b ${T}`),
  c('string unquoted word', `cpu s=abc ${T}`),
  c('string single quotes', `cpu s='a' ${T}`),
  c('string unicode and emoji', `cpu s="héllo 🌍" ${T}`),
  deviation('our parser refuses invalid UTF-8 in a string field (influxd stores the raw bytes, which a JS string cannot hold)',
    c('string invalid UTF-8 bytes', Buffer.concat([Buffer.from('cpu s="a'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`b" ${T}`)]))),
  c('string 70000 characters', `cpu s="${'x'.repeat(70000)}" ${T}`),
  c('string quote inside tag value is not a string', `cpu,t="a v=1 ${T}`),

  // ---- integers
  c('integer simple', `cpu v=1i ${T}`),
  c('integer negative', `cpu v=-1i ${T}`),
  c('integer zero and negative zero', `cpu v=0i,w=-0i ${T}`),
  c('integer plus sign', `cpu v=+1i ${T}`),
  c('integer int64 max', `cpu v=9223372036854775807i ${T}`),
  c('integer int64 min', `cpu v=-9223372036854775808i ${T}`),
  c('integer int64 max + 1', `cpu v=9223372036854775808i ${T}`),
  c('integer int64 min - 1', `cpu v=-9223372036854775809i ${T}`),
  c('integer 20 digits', `cpu v=99999999999999999999i ${T}`),
  c('integer leading zeros', `cpu v=007i ${T}`),
  c('integer with decimal point', `cpu v=1.0i ${T}`),
  c('integer with exponent', `cpu v=1e3i ${T}`),
  c('integer bare i', `cpu v=i ${T}`),
  c('integer minus i', `cpu v=-i ${T}`),
  c('integer uppercase I', `cpu v=1I ${T}`),
  c('integer double i', `cpu v=1ii ${T}`),
  c('integer hex', `cpu v=0x10i ${T}`),
  c('integer 2^53+1 exact', `cpu v=9007199254740993i ${T}`),
  c('unsigned small', `cpu v=1u ${T}`),
  c('unsigned uint64 max', `cpu v=18446744073709551615u ${T}`),
  c('unsigned negative', `cpu v=-1u ${T}`),
  c('unsigned uppercase U', `cpu v=1U ${T}`),

  // ---- floats
  c('float integer form', `cpu v=1 ${T}`),
  c('float decimal', `cpu v=1.5,w=-1.5 ${T}`),
  c('float leading dot', `cpu v=.5,w=-.5 ${T}`),
  c('float trailing dot', `cpu v=5.,w=-5. ${T}`),
  c('float plus sign', `cpu v=+1.5 ${T}`),
  c('float exponents', `cpu a=1e3,b=1E3,c=1e+3,d=1e-3,e=1.5E-7,f=-2e10 ${T}`),
  c('float leading dot with exponent', `cpu v=.5e3 ${T}`),
  c('float trailing dot with exponent', `cpu v=5.e3 ${T}`),
  c('float huge exponent overflow', `cpu v=1e309 ${T}`),
  c('float max', `cpu v=1.7976931348623157e308 ${T}`),
  c('float just above max', `cpu v=1.7976931348623159e308 ${T}`),
  c('float tiny exponent underflow', `cpu v=1e-400 ${T}`),
  c('float smallest denormal', `cpu v=4.9406564584124654e-324,w=5e-324 ${T}`),
  c('float smallest normal', `cpu v=2.2250738585072014e-308 ${T}`),
  c('float 309-digit Go f format (MaxFloat64)', `cpu v=${MAX_FLOAT_F} ${T}`),
  c('float Go f format of 5e-324', `cpu v=${MIN_DENORMAL_F} ${T}`),
  c('float 30-digit integer text', `cpu v=123456789012345678901234567890 ${T}`),
  c('float rounding 0.1 and 2^53+1', `cpu v=0.1,w=9007199254740993,x=0.30000000000000004 ${T}`),
  c('float negative zero', `cpu v=-0,w=-0.0 ${T}`),
  c('float leading zeros', `cpu v=00.5,w=007 ${T}`),
  c('float two dots', `cpu v=1..5 ${T}`),
  c('float dot dot', `cpu v=1.5.5 ${T}`),
  c('float exponent without digits', `cpu v=1e ${T}`),
  c('float exponent sign without digits', `cpu v=1e+ ${T}`),
  c('float exponent only', `cpu v=e3 ${T}`),
  c('float lone dot', `cpu v=. ${T}`),
  c('float lone minus', `cpu v=- ${T}`),
  c('float minus dot', `cpu v=-. ${T}`),
  c('float double minus', `cpu v=--1 ${T}`),
  c('float exponent with dot', `cpu v=1e3.5 ${T}`),
  c('float hex', `cpu v=0x10 ${T}`),
  c('float underscore', `cpu v=1_000 ${T}`),
  c('float NaN', `cpu v=NaN ${T}`),
  c('float nan', `cpu v=nan ${T}`),
  c('float Inf', `cpu v=Inf ${T}`),
  c('float +Inf', `cpu v=+Inf ${T}`),
  c('float -Inf', `cpu v=-Inf ${T}`),
  c('float inf', `cpu v=inf ${T}`),
  c('float Infinity', `cpu v=Infinity ${T}`),
  c('float 1e-5 and 1e21 text', `cpu v=0.00001,w=1000000000000000000000 ${T}`),

  // ---- booleans
  c('booleans all 10 spellings', `cpu a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE ${T}`),
  c('boolean tRUE', `cpu v=tRUE ${T}`),
  c('boolean TrUe', `cpu v=TrUe ${T}`),
  c('boolean tru', `cpu v=tru ${T}`),
  c('boolean truee', `cpu v=truee ${T}`),
  c('boolean fals', `cpu v=fals ${T}`),
  c('boolean FALSe', `cpu v=FALSe ${T}`),
  c('boolean yes', `cpu v=yes ${T}`),
  c('boolean tx', `cpu v=tx ${T}`),
  c('boolean f1', `cpu v=f1 ${T}`),

  // ---- timestamps and precisions
  c('timestamp ns (absent precision)', `cpu v=1 ${T}`),
  c('timestamp precision n', `cpu v=1 ${T}`, 'n'),
  c('timestamp precision ns', `cpu v=1 ${T}`, 'ns'),
  c('timestamp precision u', `cpu v=1 1600000000000000`, 'u'),
  c('timestamp precision ms', `cpu v=1 1600000000000`, 'ms'),
  c('timestamp precision s', `cpu v=1 1600000000`, 's'),
  c('timestamp precision m', `cpu v=1 26666666`, 'm'),
  c('timestamp precision h', `cpu v=1 444444`, 'h'),
  c('timestamp precision us is ns', `cpu v=1 ${T}`, 'us'),
  c('timestamp precision rfc3339 is ns', `cpu v=1 ${T}`, 'rfc3339'),
  c('timestamp precision empty is ns', `cpu v=1 ${T}`, ''),
  c('timestamp precision S is ns', `cpu v=1 ${T}`, 'S'),
  c('timestamp zero and negative', lines(`cpu v=1 0`, `cpu v=2 -1`, `cpu v=3 -1600000000000000000`)),
  c('timestamp int64 min', `cpu v=1 -9223372036854775808`),
  c('timestamp int64 min+1', `cpu v=1 -9223372036854775807`),
  c('timestamp lower bound -9223372036854775806', `cpu v=1 -9223372036854775806`),
  c('timestamp upper bound 9223372036854775806', `cpu v=1 9223372036854775806`),
  c('timestamp int64 max', `cpu v=1 9223372036854775807`),
  c('timestamp int64 max+1', `cpu v=1 9223372036854775808`),
  c('timestamp 30 digits', `cpu v=1 123456789012345678901234567890`),
  c('timestamp precision s max', `cpu v=1 9223372036`, 's'),
  c('timestamp precision s max+1', `cpu v=1 9223372037`, 's'),
  c('timestamp precision s min', `cpu v=1 -9223372036`, 's'),
  c('timestamp precision s min-1', `cpu v=1 -9223372037`, 's'),
  c('timestamp precision h max', `cpu v=1 2562047`, 'h'),
  c('timestamp precision h max+1', `cpu v=1 2562048`, 'h'),
  c('timestamp precision h min-1', `cpu v=1 -2562048`, 'h'),
  c('timestamp precision m max and max+1', lines(`cpu v=1 153722867`, `cpu v=2 153722868`), 'm'),
  c('timestamp precision ms max and max+1', lines(`cpu v=1 9223372036854`, `cpu v=2 9223372036855`), 'ms'),
  c('timestamp precision u max and max+1', lines(`cpu v=1 9223372036854775`, `cpu v=2 9223372036854776`), 'u'),
  c('timestamp precision s with int64 overflow in multiplication', `cpu v=1 9223372036854775807`, 's'),
  c('timestamp float', `cpu v=1 1.5`),
  c('timestamp exponent', `cpu v=1 1e9`),
  c('timestamp plus sign', `cpu v=1 +1600000000`),
  c('timestamp leading zeros', `cpu v=1 0001600000000`),
  c('timestamp minus only', `cpu v=1 -`),
  c('timestamp with letters', `cpu v=1 16000a`),
  c('text after timestamp', `cpu v=1 ${T} extra`),
  c('trailing space after timestamp', `cpu v=1 ${T} `),
  c('two spaces before timestamp', `cpu v=1  ${T}`),
  c('two spaces before fields', `cpu  v=1 ${T}`),
  c('tab before timestamp', `cpu v=1\t${T}`),
  c('missing timestamp ns', `cpu v=1`),
  c('missing timestamp precision u', `cpu v=1`, 'u'),
  c('missing timestamp precision ms', `cpu v=1`, 'ms'),
  c('missing timestamp precision s', `cpu v=1`, 's'),
  c('missing timestamp precision m', `cpu v=1`, 'm'),
  c('missing timestamp precision h', `cpu v=1`, 'h'),
  c('missing timestamp precision rfc3339', `cpu v=1`, 'rfc3339'),
  c('missing timestamp: same instant for all lines (last wins)', lines(`cpu v=1`, `cpu v=2`, `cpu,host=a v=3`)),
  c('missing timestamp: fields of same instant merge', lines(`cpu a=1`, `cpu b=2i`), 's'),
  c('missing timestamp mixed with explicit', lines(`cpu v=1 ${T}`, `cpu v=2`, `cpu v=3 ${T}`)),
  c('trailing space without timestamp', `cpu v=1 `),

  // ---- line structure
  c('empty body', ''),
  c('only newlines', '\n\n\n'),
  c('only whitespace lines', '   \n\t\n  \t  \n'),
  c('only comments', lines('# a comment', '#another', '   # indented comment')),
  c('comments between lines', lines('# header', `cpu v=1 ${T}`, '# middle', `cpu v=2 1600000000000000001`)),
  c('blank line between every line (influx -import)', `cpu v=1 ${T}\n\ncpu v=2 1600000000000000001\n\n`),
  c('CRLF line endings', `cpu v=1 ${T}\r\ncpu v=2 1600000000000000001\r\n`),
  c('CRLF without timestamp', `cpu v=1\r\n`),
  c('CRLF with string value', `cpu s="x"\r\n`),
  c('CR only line', `cpu v=1 ${T}\n\r\n`),
  c('trailing newline', `cpu v=1 ${T}\n`),
  c('measurement only', `cpu`),
  c('measurement and space', `cpu `),
  c('measurement and tags, space', `cpu,host=a `),
  c('comment marker after space in field is a value', `cpu v=1 #x`),
  c('partial write: good, bad, good', lines(`cpu v=1 ${T}`, `cpu v= ${T}`, `cpu v=3 1600000000000000002`)),
  c('all lines bad', lines(`cpu v= ${T}`, `cpu`, `cpu v=1 x`)),
  c('many bad lines keep body order', lines(...Array.from({ length: 12 }, (_, i) => `m${i} v=${i}x ${T}`), `ok v=1 ${T}`)),
  c('bad line with leading whitespace echoed without it', lines(`  cpu v=bad ${T}`, `cpu v=1 ${T}`)),
  c('backslash-newline joins two lines (scanLine skips escaped bytes)', `cpu\\\nx v=1 ${T}`),
  c('backslash-newline inside field value', `cpu v=1\\\n2 ${T}`),
  c('backslash before the last newline of the body', `cpu v=1 ${T}\\\n`),
  c('backslash as the last byte of the body', `cpu v=1 ${T}\\`),
  c('escaped quote then real newline inside a string', `cpu s="a\\"\nb" ${T}\ncpu v=2 ${T}`),
  c('quote in field key position does not open a string', `cpu "a=1 ${T}\ncpu v=2 1600000000000000001`),
  c('two strings, second spans a newline', `cpu s="a",t="b\n" ${T}`),
  c('string of a single escaped backslash', `cpu s="\\\\" ${T}`),
  c('UTF-8 BOM at body start', `\ufeffcpu v=1 ${T}`),
  c('negative timestamp precision s', `cpu v=1 -1`, 's'),
  c('line of only a hash', `#`),
  c('max key length: measurement 65535 bytes', `${'m'.repeat(65535)} v=1 ${T}`),
  c('max key length: measurement 65536 bytes', `${'m'.repeat(65536)} v=1 ${T}`),
  c('max key length: tags push key over', `${'m'.repeat(65530)},t=12 v=1 ${T}`),
  c('max key length: 70000', `${'m'.repeat(70000)} v=1 ${T}`),
  c('99 tags', `cpu,${manyTags(99)} v=1 ${T}`),
  c('101 tags', `cpu,${manyTags(101)} v=1 ${T}`),

  // ---- storage-layer behaviours (wire-compat.md §a.3), classified
  c('field named time only (storage drops the point)', `cpu time=1 ${T}`, undefined, 'time-field'),
  c('field named time with others (storage removes it silently)', `cpu time=1,v=2 ${T}`),
  c('tag named time (storage drops the point)', `cpu,time=x v=1 ${T}`, undefined, 'time-tag'),
  c('type conflict inside one body creating the shard', lines(`cpu v=1 ${T}`, `cpu v=2i 1600000000000000001`), undefined, 'type-conflict'),
  {
    name: 'type conflict against earlier data',
    requests: [{ body: `cpu v=1 ${T}` }, { body: `cpu v=2i 1600000000000000001`, storage: 'type-conflict' }],
  },
  {
    name: 'types are per shard group: float then integer two weeks later',
    requests: [{ body: `cpu v=1 1` }, { body: `cpu v=2i ${T}` }],
  },
  c('exactly 100 tags panics influxd (500)', `cpu,${manyTags(100)} v=1 ${T}`, undefined, 'panic-500'),
  c('engine cannot decode a value the scanner accepted (500)', raw`cpu a\\="x=y" ${T}`, undefined, 'engine-500'),
  c('influxd crashes: panic in StringValue on a one-byte string value', raw`cpu z\\="s=" ${T}`, undefined, 'influxd-crash'),
  c('non-UTF-8 measurement (500)', Buffer.concat([Buffer.from('cp'), Buffer.from([0xff]), Buffer.from(`u v=1 ${T}`)]), undefined, 'non-utf8-measurement'),
  {
    name: 'same series and time across requests: fields merge, last wins',
    requests: [{ body: `cpu a=1,b=2 ${T}` }, { body: `cpu b=3,c="x" ${T}` }],
  },
]
