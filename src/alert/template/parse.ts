/**
 * The parser of Go's text/template, following parse.go's grammar and error texts:
 * pipelines with declarations ($x := / $x = / $k, $v := in range), commands, operands
 * with field chains, if/else if/else, range/else, with/else, break/continue.
 * define/template/block are not supported (Kapacitor's templates never use them).
 */
import { lex, type Token } from './lex.js'
import { GoTemplateError } from './values.js'

export type Arg =
  | { readonly kind: 'field', readonly names: readonly string[], readonly pos: number, readonly text: string }
  | { readonly kind: 'var', readonly name: string, readonly names: readonly string[], readonly pos: number, readonly text: string }
  | { readonly kind: 'chain', readonly node: Arg, readonly names: readonly string[], readonly pos: number, readonly text: string }
  | { readonly kind: 'dot', readonly pos: number, readonly text: string }
  | { readonly kind: 'nil', readonly pos: number, readonly text: string }
  | { readonly kind: 'ident', readonly name: string, readonly pos: number, readonly text: string }
  | { readonly kind: 'const', readonly value: unknown, readonly pos: number, readonly text: string }
  | { readonly kind: 'pipe', readonly pipe: Pipe, readonly pos: number, readonly text: string }

export interface Command { readonly args: readonly Arg[], readonly pos: number, readonly text: string }

export interface Pipe {
  readonly decl: readonly string[]
  readonly isAssign: boolean
  readonly cmds: readonly Command[]
  readonly pos: number
}

export type Node =
  | { readonly kind: 'text', readonly text: string }
  | { readonly kind: 'action', readonly pipe: Pipe }
  | ControlNode
  | { readonly kind: 'break' | 'continue', readonly pos: number }

export interface ControlNode {
  readonly kind: 'if' | 'with' | 'range'
  readonly pipe: Pipe
  readonly list: readonly Node[]
  readonly elseList: readonly Node[] | undefined
}

type Terminal = { kind: 'end' | 'else', pos: number, line: number }

export interface ParseOptions {
  readonly name: string
  readonly hasFunction: (name: string) => boolean
}

export function parseTemplate(text: string, opts: ParseOptions): Node[] {
  return new Parser(text, opts).parse()
}

class Parser {
  private readonly tokens: Token[]
  private i = 0
  private vars: string[] = ['$']
  private rangeDepth = 0

  constructor(private readonly src: string, private readonly opts: ParseOptions) {
    this.tokens = lex(src)
  }

  parse(): Node[] {
    const list: Node[] = []
    while (this.peek().type !== 'eof') {
      const n = this.textOrAction()
      if (n === undefined) continue
      if ('line' in n) this.errorAt(n.line, `unexpected {{${n.kind}}}`)
      list.push(n as Node)
    }
    return list
  }

  // --- token stream -------------------------------------------------------------------

  private peek(): Token { return this.tokens[this.i]! }

  private next(): Token {
    const t = this.tokens[this.i]!
    if (t.type === 'error') this.errorAt(t.line, t.val)
    if (this.i < this.tokens.length - 1) this.i++
    return t
  }

  private backup(n = 1): void { this.i -= n }

  private nextNonSpace(): Token {
    let t = this.next()
    while (t.type === 'space') t = this.next()
    return t
  }

  private peekNonSpace(): Token {
    const t = this.nextNonSpace()
    this.backup()
    return t
  }

  private errorAt(line: number, msg: string): never {
    throw new GoTemplateError(`template: ${this.opts.name}:${line}: ${msg}`)
  }

  private error(msg: string): never {
    this.errorAt(this.tokens[Math.max(0, this.i - 1)]!.line, msg)
  }

  private unexpected(t: Token, context: string): never {
    if (t.type === 'error') this.errorAt(t.line, t.val)
    this.errorAt(t.line, `unexpected ${describe(t)} in ${context}`)
  }

  private expect(type: Token['type'], context: string): Token {
    const t = this.nextNonSpace()
    if (t.type !== type) this.unexpected(t, context)
    return t
  }

  // --- structure ------------------------------------------------------------------------

  private textOrAction(): Node | Terminal | undefined {
    const t = this.nextNonSpace()
    switch (t.type) {
      case 'text': return { kind: 'text', text: t.val }
      case 'ldelim': return this.action()
      default: this.unexpected(t, 'input')
    }
  }

  private itemList(): { list: Node[], next: Terminal } {
    const list: Node[] = []
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction()
      if (n === undefined) continue
      if ('line' in n) return { list, next: n }
      list.push(n as Node)
    }
    this.error('unexpected EOF')
  }

  private action(): Node | Terminal {
    const t = this.nextNonSpace()
    if (t.type === 'keyword') {
      switch (t.val) {
        case 'if': return this.control('if', true)
        case 'with': return this.control('with', true)
        case 'range': return this.control('range', false)
        case 'end':
          this.expect('rdelim', 'end')
          return { kind: 'end', pos: t.pos, line: t.line }
        case 'else': {
          const p = this.peekNonSpace()
          if (p.type === 'keyword' && (p.val === 'if' || p.val === 'with')) {
            // "{{else if …}}": leave the "if" pending for the enclosing control.
            this.i = this.tokens.indexOf(p)
            return { kind: 'else', pos: t.pos, line: t.line }
          }
          this.expect('rdelim', 'else')
          return { kind: 'else', pos: t.pos, line: t.line }
        }
        case 'break':
        case 'continue':
          if (this.rangeDepth === 0) this.errorAt(t.line, `{{${t.val}}} outside {{range}}`)
          this.expect('rdelim', `{{${t.val}}}`)
          return { kind: t.val, pos: t.pos }
        default:
          this.errorAt(t.line, `{{${t.val}}} is not supported`)
      }
    }
    this.backup()
    return { kind: 'action', pipe: this.pipeline('command', 'rdelim') }
  }

  private control(kind: 'if' | 'with' | 'range', allowElseIf: boolean): Node {
    const mark = this.vars.length
    const pipe = this.pipeline(kind, 'rdelim')
    if (kind === 'range') this.rangeDepth++
    let { list, next } = this.itemList()
    if (kind === 'range') this.rangeDepth--
    let elseList: Node[] | undefined
    if (next.kind === 'else') {
      const p = this.peek()
      if (allowElseIf && p.type === 'keyword' && p.val === kind) {
        this.next()
        elseList = [this.control(kind, true)]
      } else {
        ({ list: elseList, next } = this.itemList())
        if (next.kind !== 'end') this.errorAt(next.line, `expected end; found {{${next.kind}}}`)
      }
    }
    this.vars.length = mark
    return { kind, pipe, list, elseList }
  }

  private pipeline(context: string, end: 'rdelim' | 'rparen'): Pipe {
    const start = this.peekNonSpace()
    const decl: string[] = []
    let isAssign = false
    for (;;) {
      const v = this.peekNonSpace()
      if (v.type !== 'var') break
      const save = this.i
      this.nextNonSpace()
      const after = this.nextNonSpace()
      if (after.type === 'declare' || after.type === 'assign') {
        isAssign = after.type === 'assign'
        decl.push(v.val)
        if (!isAssign) this.vars.push(v.val)
        else if (!this.vars.includes(v.val)) this.errorAt(v.line, `undefined variable "${v.val}"`)
        break
      }
      if (after.type === 'other' && after.val === ',') {
        decl.push(v.val)
        this.vars.push(v.val)
        if (context === 'range' && decl.length < 2) {
          const p = this.peekNonSpace()
          if (p.type === 'var' || p.type === 'rdelim' || p.type === 'rparen') continue
          this.errorAt(p.line, 'range can only initialize variables')
        }
        this.errorAt(after.line, `too many declarations in ${context}`)
      }
      this.i = save
      break
    }
    const cmds: Command[] = []
    for (;;) {
      const t = this.nextNonSpace()
      if (t.type === end) {
        if (cmds.length === 0) this.errorAt(t.line, `missing value for ${context}`)
        for (let k = 1; k < cmds.length; k++) {
          const a = cmds[k]!.args[0]!
          if (a.kind === 'const' || a.kind === 'dot' || a.kind === 'nil') {
            this.errorAt(t.line, `non executable command in pipeline stage ${k + 1}`)
          }
        }
        return { decl, isAssign, cmds, pos: start.pos }
      }
      switch (t.type) {
        case 'bool': case 'char': case 'dot': case 'field': case 'ident': case 'number': case 'nil':
        case 'rawstring': case 'string': case 'var': case 'lparen':
          this.backup()
          cmds.push(this.command())
          break
        default:
          this.unexpected(t, context)
      }
    }
  }

  private command(): Command {
    const first = this.peekNonSpace()
    const args: Arg[] = []
    for (;;) {
      this.peekNonSpace()
      const operand = this.operand()
      if (operand !== undefined) args.push(operand)
      const t = this.next()
      if (t.type === 'space') continue
      if (t.type === 'rdelim' || t.type === 'rparen') this.backup()
      else if (t.type !== 'pipe') this.unexpected(t, 'operand')
      break
    }
    if (args.length === 0) this.error('empty command')
    const last = args[args.length - 1]!
    return { args, pos: first.pos, text: this.src.slice(first.pos, last.pos + last.text.length) }
  }

  private operand(): Arg | undefined {
    const node = this.term()
    if (node === undefined) return undefined
    if (this.peek().type !== 'field') return node
    const names: string[] = []
    let endPos = node.pos + node.text.length
    while (this.peek().type === 'field') {
      const f = this.next()
      names.push(f.val)
      endPos = f.pos + f.val.length + 1
    }
    const text = this.src.slice(node.pos, endPos)
    switch (node.kind) {
      case 'field': return { kind: 'field', names: [...node.names, ...names], pos: node.pos, text }
      case 'var': return { kind: 'var', name: node.name, names: [...node.names, ...names], pos: node.pos, text }
      case 'const': case 'nil': case 'dot':
        this.error(`unexpected . after term "${node.text}"`)
      default: return { kind: 'chain', node, names, pos: node.pos, text }
    }
  }

  private term(): Arg | undefined {
    const t = this.nextNonSpace()
    switch (t.type) {
      case 'ident':
        if (!this.opts.hasFunction(t.val)) this.errorAt(t.line, `function "${t.val}" not defined`)
        return { kind: 'ident', name: t.val, pos: t.pos, text: t.val }
      case 'dot': return { kind: 'dot', pos: t.pos, text: '.' }
      case 'nil': return { kind: 'nil', pos: t.pos, text: 'nil' }
      case 'var':
        if (!this.vars.includes(t.val)) this.errorAt(t.line, `undefined variable "${t.val}"`)
        return { kind: 'var', name: t.val, names: [], pos: t.pos, text: t.val }
      case 'field': return { kind: 'field', names: [t.val], pos: t.pos, text: `.${t.val}` }
      case 'bool': return { kind: 'const', value: t.val === 'true', pos: t.pos, text: t.val }
      case 'number': return { kind: 'const', value: this.number(t), pos: t.pos, text: t.val }
      case 'char': return { kind: 'const', value: BigInt(unquoteChar(t.val, (m) => this.errorAt(t.line, m))), pos: t.pos, text: t.val }
      case 'string': return { kind: 'const', value: unquote(t.val, (m) => this.errorAt(t.line, m)), pos: t.pos, text: t.val }
      case 'rawstring': return { kind: 'const', value: t.val.slice(1, -1).replace(/\r/g, ''), pos: t.pos, text: t.val }
      case 'lparen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rparen')
        const close = this.tokens[this.i - 1]!
        return { kind: 'pipe', pipe, pos: t.pos, text: this.src.slice(t.pos, close.pos + 1) }
      }
    }
    this.backup()
    return undefined
  }

  /** Untyped constants as Go's evalEmptyInterface sees them: int64 unless it has . e E p P. */
  private number(t: Token): bigint | number {
    let s = t.val.replace(/_/g, '')
    if (s.endsWith('i')) this.errorAt(t.line, `complex numbers are not supported: ${t.val}`)
    const neg = s.startsWith('-')
    if (s.startsWith('+') || neg) s = s.slice(1)
    const hex = /^0[xX]/.test(s)
    if ((!hex && /[.eE]/.test(s)) || (hex && /[.pP]/.test(s))) {
      const v = hex ? parseHexFloat(s) : Number(s)
      if (Number.isNaN(v)) this.errorAt(t.line, `illegal number syntax: "${t.val}"`)
      return neg ? -v : v
    }
    let v: bigint
    try {
      if (/^0[oO]/.test(s)) v = BigInt(`0o${s.slice(2)}`)
      else if (/^0[0-7]+$/.test(s)) v = BigInt(`0o${s.slice(1)}`)
      else v = BigInt(s)
    } catch {
      this.errorAt(t.line, `illegal number syntax: "${t.val}"`)
    }
    if (neg) v = -v
    if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) {
      // Too big for int64: Go keeps it as a float constant.
      return Number(v)
    }
    return v
  }
}

function parseHexFloat(s: string): number {
  const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s)
  if (!m) return NaN
  const int = m[1] ? parseInt(m[1], 16) : 0
  const frac = m[2] ? parseInt(m[2], 16) / 16 ** m[2].length : 0
  return (int + frac) * 2 ** Number(m[3])
}

function describe(t: Token): string {
  switch (t.type) {
    case 'eof': return 'EOF'
    case 'error': return t.val
    case 'keyword': return `<${t.val}>`
    case 'rdelim': return '"}}"'
    case 'ldelim': return '"{{"'
    case 'space': return 'space'
  }
  const q = JSON.stringify(t.val)
  return t.val.length > 10 ? `${JSON.stringify(t.val.slice(0, 10))}...` : q
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' }

/** strconv.Unquote of a double-quoted Go string. */
function unquote(q: string, fail: (msg: string) => never): string {
  const body = q.slice(1, -1)
  if (!body.includes('\\')) return body
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!
    if (c !== '\\') { out += c; continue }
    const e = body[++i]
    if (e === undefined) fail('invalid syntax')
    const [s, len] = escape(body, i, fail)
    out += s
    i += len - 1
  }
  return out
}

/** One escape sequence starting at body[i] (the char after the backslash) → [text, length]. */
function escape(body: string, i: number, fail: (msg: string) => never): [string, number] {
  const e = body[i]!
  const simple = SIMPLE_ESCAPES[e]
  if (simple !== undefined) return [simple, 1]
  const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0
  if (hexLen > 0) {
    const h = body.slice(i + 1, i + 1 + hexLen)
    if (h.length !== hexLen || !/^[0-9a-fA-F]+$/.test(h)) fail('invalid syntax')
    const cp = parseInt(h, 16)
    if (e === 'x') return [Buffer.from([cp]).toString('latin1'), 1 + hexLen]
    if (cp > 0x10ffff) fail('invalid syntax')
    return [String.fromCodePoint(cp), 1 + hexLen]
  }
  if (e >= '0' && e <= '7') {
    const o = body.slice(i, i + 3)
    if (!/^[0-7]{3}$/.test(o)) fail('invalid syntax')
    return [String.fromCharCode(parseInt(o, 8)), 3]
  }
  fail('invalid syntax')
}

function unquoteChar(q: string, fail: (msg: string) => never): number {
  const body = q.slice(1, -1)
  if (body.length === 0) fail(`malformed character constant: ${q}`)
  if (body[0] !== '\\') {
    const cp = body.codePointAt(0)!
    if (String.fromCodePoint(cp).length !== body.length) fail(`malformed character constant: ${q}`)
    return cp
  }
  const [s, len] = escape(body, 1, fail)
  if (len + 1 !== body.length) fail(`malformed character constant: ${q}`)
  return s.codePointAt(0)!
}
