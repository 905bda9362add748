/**
 * Executes a parsed template against data, as text/template's exec.go does: pipelines
 * feed each command's result to the next as its final argument, fields resolve on maps
 * (missing key → no value) and structs, methods of GoTime/GoDuration are callable,
 * variables live on a stack popped at the end of each control block. In html mode every
 * action's output is HTML-escaped (html/template's escaper in text context; nil prints
 * nothing there).
 */
import { formatValue } from './format.js'
import { ArgTypeError, BUILTINS, CallError, truth } from './funcs.js'
import type { Arg, Command, ControlNode, Node, Pipe } from './parse.js'
import { GoDuration, GoTemplateError, goTypeName, isMap, isStruct, sortedEntries } from './values.js'

const MISSING: unique symbol = Symbol('missing')
type Final = unknown | typeof MISSING

const BREAK = { kind: 'break' }
const CONTINUE = { kind: 'continue' }

interface Located { readonly pos: number, readonly text: string }

export class Executor {
  private out = ''
  private vars: { name: string, value: unknown }[] = []
  private at: Located = { pos: 0, text: '' }

  constructor(private readonly name: string, private readonly src: string, private readonly html: boolean) {}

  run(nodes: readonly Node[], data: unknown): string {
    this.out = ''
    this.vars = [{ name: '$', value: data }]
    this.walkList(data, nodes)
    return this.out
  }

  private walkList(dot: unknown, nodes: readonly Node[]): void {
    for (let i = 0; i < nodes.length; i++) this.walk(dot, nodes[i]!)
  }

  private walk(dot: unknown, node: Node): void {
    switch (node.kind) {
      case 'text':
        this.out += node.text
        return
      case 'action': {
        const v = this.evalPipe(dot, node.pipe)
        if (node.pipe.decl.length === 0) this.print(v)
        return
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length
        const v = this.evalPipe(dot, node.pipe)
        if (truth(v)) this.walkList(node.kind === 'with' ? v : dot, node.list)
        else if (node.elseList) this.walkList(dot, node.elseList)
        this.vars.length = mark
        return
      }
      case 'range':
        this.walkRange(dot, node)
        return
      case 'break': throw BREAK
      case 'continue': throw CONTINUE
    }
  }

  private walkRange(dot: unknown, node: ControlNode): void {
    const outer = this.vars.length
    const val = this.evalPipe(dot, node.pipe)
    this.at = { pos: node.pipe.pos, text: `{{range ${node.pipe.cmds.map((c) => c.text).join(' | ')}}}` }
    const mark = this.vars.length
    const decl = node.pipe.decl
    const one = (index: unknown, elem: unknown): boolean => {
      if (decl.length > 0) {
        if (node.pipe.isAssign) this.setVar(decl.length > 1 ? decl[0]! : decl[0]!, decl.length > 1 ? index : elem)
        else this.vars[this.vars.length - 1]!.value = elem
      }
      if (decl.length > 1) {
        if (node.pipe.isAssign) this.setVar(decl[1]!, elem)
        else this.vars[this.vars.length - 2]!.value = index
      }
      try {
        this.walkList(elem, node.list)
      } catch (e) {
        if (e === BREAK) return false
        if (e !== CONTINUE) throw e
      } finally {
        this.vars.length = mark
      }
      return true
    }
    let any = false
    if (Array.isArray(val)) {
      any = val.length > 0
      for (let i = 0; i < val.length; i++) if (!one(BigInt(i), val[i])) break
    } else if (isMap(val)) {
      const entries = sortedEntries(val)
      any = entries.length > 0
      for (const [k, v] of entries) if (!one(k, v)) break
    } else if (typeof val === 'bigint' || val instanceof GoDuration) {
      const n = typeof val === 'bigint' ? val : val.ns
      if (decl.length > 1) this.fail('can\'t use range over integer with two variables')
      any = n > 0n
      for (let i = 0n; i < n; i++) if (!one(i, i)) break
    } else if (val !== undefined && val !== null) {
      this.fail(`range can't iterate over ${formatValue(val)}`)
    }
    if (!any && node.elseList) this.walkList(dot, node.elseList)
    this.vars.length = outer
  }

  private print(v: unknown): void {
    if (this.html) {
      if (v !== undefined && v !== null) this.out += htmlTemplateEscape(typeof v === 'string' ? v : formatValue(v))
      return
    }
    if (v === undefined || v === null) { this.out += '<no value>'; return }
    if (typeof v === 'function') this.fail(`can't print ${this.at.text} of type func`)
    this.out += typeof v === 'string' ? v : formatValue(v)
  }

  // --- evaluation -------------------------------------------------------------------------

  private evalPipe(dot: unknown, pipe: Pipe): unknown {
    let value: Final = MISSING
    for (let i = 0; i < pipe.cmds.length; i++) {
      value = this.evalCommand(dot, pipe.cmds[i]!, value)
      if (value === null) value = undefined // a nil interface{} becomes "no value"
    }
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, value)
      else this.vars.push({ name, value })
    }
    return value
  }

  private evalCommand(dot: unknown, cmd: Command, final: Final): unknown {
    const first = cmd.args[0]!
    switch (first.kind) {
      case 'field':
        this.at = first
        return this.evalFieldChain(dot, dot, first, first.names, cmd.args, final)
      case 'chain': return this.evalChain(dot, first, cmd.args, final)
      case 'ident': return this.evalFunction(dot, first, cmd, cmd.args, final)
      case 'var': return this.evalVariable(dot, first, cmd.args, final)
      case 'pipe':
        this.at = first
        this.notAFunction(cmd.args, final)
        return this.evalPipe(dot, first.pipe)
    }
    this.at = first
    this.notAFunction(cmd.args, final)
    switch (first.kind) {
      case 'dot': return dot
      case 'nil': this.fail('nil is not a command')
      case 'const': return first.value
    }
  }

  private notAFunction(args: readonly Arg[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.fail(`can't give argument to non-function ${args[0]!.text}`)
  }

  private evalArg(dot: unknown, arg: Arg): unknown {
    this.at = arg
    switch (arg.kind) {
      case 'dot': return dot
      case 'nil': return null
      case 'const': return arg.value
      case 'field': return this.evalFieldChain(dot, dot, arg, arg.names, [arg], MISSING)
      case 'var': return this.evalVariable(dot, arg, [arg], MISSING)
      case 'pipe': return this.evalPipe(dot, arg.pipe)
      case 'ident': return this.evalFunction(dot, arg, arg, [arg], MISSING)
      case 'chain': return this.evalChain(dot, arg, [arg], MISSING)
    }
  }

  private evalChain(dot: unknown, chain: Extract<Arg, { kind: 'chain' }>, args: readonly Arg[], final: Final): unknown {
    if (chain.node.kind === 'nil') this.fail(`indirection through explicit nil in ${chain.text}`)
    const recv = this.evalArg(dot, chain.node)
    this.at = chain
    return this.evalFieldChain(dot, recv, chain, chain.names, args, final)
  }

  private evalVariable(dot: unknown, v: Extract<Arg, { kind: 'var' }>, args: readonly Arg[], final: Final): unknown {
    this.at = v
    const value = this.varValue(v.name)
    if (v.names.length === 0) {
      this.notAFunction(args, final)
      return value
    }
    return this.evalFieldChain(dot, value, v, v.names, args, final)
  }

  private evalFieldChain(dot: unknown, recv: unknown, node: Located, names: readonly string[], args: readonly Arg[], final: Final): unknown {
    const n = names.length
    for (let i = 0; i < n - 1; i++) recv = this.evalField(dot, names[i]!, node, undefined, MISSING, recv)
    return this.evalField(dot, names[n - 1]!, node, args, final, recv)
  }

  private evalField(dot: unknown, field: string, node: Located, args: readonly Arg[] | undefined, final: Final, recv: unknown): unknown {
    if (recv === undefined) return undefined
    this.at = node
    if (recv === null) this.fail(`nil pointer evaluating interface {}.${field}`)
    const hasArgs = (args !== undefined && args.length > 1) || final !== MISSING
    if (recv instanceof Map) {
      if (hasArgs) this.fail(`${field} is not a method but has arguments`)
      return recv.get(field)
    }
    if (typeof recv === 'object') {
      const map = isMap(recv)
      const obj = recv as Record<string, unknown>
      if (!map && typeof obj[field] === 'function' && /^[A-Z]/.test(field)) {
        return this.callMethod(dot, obj, field, args, final)
      }
      if (map) {
        if (hasArgs) this.fail(`${field} is not a method but has arguments`)
        return Object.hasOwn(obj, field) ? obj[field] : undefined
      }
      if (isStruct(recv) && Object.hasOwn(obj, field)) {
        if (hasArgs) this.fail(`${field} has arguments but cannot be invoked as function`)
        return obj[field]
      }
    }
    this.fail(`can't evaluate field ${field} in type ${goTypeName(recv)}`)
  }

  private callMethod(dot: unknown, obj: Record<string, unknown>, name: string, args: readonly Arg[] | undefined, final: Final): unknown {
    const fn = obj[name] as (...a: unknown[]) => unknown
    const argv: unknown[] = []
    if (args) for (let i = 1; i < args.length; i++) argv.push(this.evalArg(dot, args[i]!))
    if (final !== MISSING) argv.push(final)
    if (argv.length !== fn.length) this.fail(`wrong number of args for ${name}: want ${fn.length} got ${argv.length}`)
    try {
      return fn.apply(obj, argv)
    } catch (err) {
      this.fail(`error calling ${name}: ${(err as Error).message}`)
    }
  }

  private evalFunction(dot: unknown, ident: Extract<Arg, { kind: 'ident' }>, cmd: Located, args: readonly Arg[], final: Final): unknown {
    this.at = ident
    const name = ident.name
    const b = BUILTINS.get(name)!
    const n = args.length - 1 + (final === MISSING ? 0 : 1)
    if (n < b.min || n > b.max) {
      this.fail(b.max === Number.POSITIVE_INFINITY
        ? `wrong number of args for ${name}: want at least ${b.min} got ${n}`
        : `wrong number of args for ${name}: want ${b.min} got ${n}`)
    }
    if (name === 'and' || name === 'or') {
      const stopOn = name === 'or'
      let v: unknown
      for (let i = 1; i < args.length; i++) {
        v = this.evalArg(dot, args[i]!)
        if (truth(v) === stopOn) return v
      }
      return final !== MISSING ? final : v
    }
    const argv: unknown[] = new Array(n)
    for (let i = 1; i < args.length; i++) argv[i - 1] = this.evalArg(dot, args[i]!)
    if (final !== MISSING) argv[n - 1] = final
    try {
      return b.fn(argv)
    } catch (err) {
      this.at = cmd
      if (err instanceof CallError) this.fail(`error calling ${name}: ${err.message}`)
      if (err instanceof ArgTypeError) {
        this.at = args[err.argIndex + 1] ?? cmd
        this.fail(err.message)
      }
      throw err
    }
  }

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value
    this.fail(`undefined variable: ${name}`)
  }

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) { this.vars[i]!.value = value; return }
    }
    this.fail(`undefined variable: ${name}`)
  }

  private fail(msg: string): never {
    const before = this.src.slice(0, this.at.pos)
    const nl = before.lastIndexOf('\n')
    let line = 1
    for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) line++
    const col = this.at.pos - (nl + 1)
    const ctx = this.at.text.length > 20 ? `${this.at.text.slice(0, 20)}...` : this.at.text
    throw new GoTemplateError(`template: ${this.name}:${line}:${col}: executing "${this.name}" at <${ctx}>: ${msg}`)
  }
}


const HTML_TEMPLATE_ESCAPES: Record<string, string> = { '"': '&#34;', "'": '&#39;', '&': '&amp;', '+': '&#43;', '<': '&lt;', '>': '&gt;', '\0': '\uFFFD' }

/** html/template's escaper for text context (it also escapes '+', unlike the html func). */
function htmlTemplateEscape(s: string): string {
  return /["'&+<>\0]/.test(s) ? s.replace(/["'&+<>\0]/g, (c) => HTML_TEMPLATE_ESCAPES[c]!) : s
}
