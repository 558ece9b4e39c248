/**
 * A small element tree over a hand-written, streaming XML scanner. Names are local (namespace
 * prefixes dropped: camt files come as `Document`, `camt:Document`, `Doc:Document`…). `onClose` may
 * return true to drop a finished element from its parent, which keeps memory flat for files with
 * many thousands of entries; {@link XmlStreamParser} takes the text in chunks.
 *
 * The scanner checks well-formedness as a conforming parser would for what statement files contain
 * (nesting and matching end tags, one root, attribute syntax and duplicates, entity and character
 * references, comments, CDATA, processing instructions, characters XML forbids) and refuses any
 * DOCTYPE (no DTDs, no entity tricks). It does not validate: no namespaces are resolved, no schema.
 * It finds its way with indexOf (native, fast) rather than reading character by character.
 */
export interface XmlNode {
  name: string
  attrs: Record<string, string>
  children: XmlNode[]
  /**
   * The character data before the first child element (leading blanks may be left out: read it
   * trimmed, as every reader here does).
   */
  text: string
  line: number
  parent: XmlNode | undefined
  /** 1-based position among siblings of the same name, for element paths like `Stmt[2]/Ntry[5]`. */
  position: number
}

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message)
  }
}

export interface XmlStreamHandlers {
  onClose?: (node: XmlNode) => boolean | void
}

const NO_CHILDREN: XmlNode[] = Object.freeze([]) as unknown as XmlNode[]
const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>

class Element implements XmlNode {
  children: XmlNode[] = NO_CHILDREN
  text = ''
  /** Children that `onClose` dropped, counted by name (for the positions of later siblings). */
  dropped: Map<string, number> | undefined = undefined
  /** The position once it is known for good (the element was dropped from its parent). */
  fixedPosition = 0

  constructor(
    public name: string,
    /** The name as written, prefix included (end tags must repeat it). */
    readonly qname: string,
    public attrs: Record<string, string>,
    public line: number,
    public parent: Element | undefined,
  ) {}

  get position(): number {
    if (this.fixedPosition > 0) return this.fixedPosition
    const parent = this.parent
    if (!parent) return 1
    let position = 1 + (parent.dropped?.get(this.name) ?? 0)
    for (const sibling of parent.children) {
      if (sibling === this) break
      if (sibling.name === this.name) position++
    }
    return position
  }
}

/** Parses `text`; throws XmlSyntaxError on malformed XML and on a DOCTYPE (no DTDs, no entity tricks). */
export function parseXml(text: string, handlers: XmlStreamHandlers = {}): XmlNode {
  const parser = new XmlStreamParser(handlers)
  parser.write(text)
  return parser.close()
}

const isNameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7)
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 0xb7
const isBlank = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d

const XML_DECLARATION =
  /^<\?xml\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*\?>$/

/** Characters XML 1.0 forbids (C0 controls but TAB/LF/CR, U+FFFE/U+FFFF, unpaired surrogates). */
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** An XML scanner fed in chunks: `write` as text arrives, `close` at the end. */
export class XmlStreamParser {
  private readonly document = new Element('#document', '#document', NO_ATTRIBUTES, 1, undefined)
  private top: Element = this.document
  private rootSeen = false
  private rootClosed = false
  /** Unconsumed text; `pos` is where scanning goes on. */
  private buffer = ''
  private pos = 0
  /** Characters of the document consumed before `buffer` starts. */
  private consumed = 0
  /** A CR at the end of a chunk waits for the next (it may be half of a CRLF). */
  private pendingCarriageReturn = false
  // Line counting: `line` is the line lines have been counted to; `nextNewline` is the first LF not
  // counted yet (-1: none in the buffer).
  private line = 1
  /** Buffer position where the counted line starts (negative: in text already let go). */
  private lineStart = 0
  private nextNewline = -1
  // Where the next "&", "]" and CR are (-1: none), so text runs are checked without rescanning.
  private nextAmpersand = -1
  private nextBracket = -1
  private nextCarriageReturn = -1

  constructor(private readonly handlers: XmlStreamHandlers = {}) {}

  write(chunk: string): void {
    if (this.pendingCarriageReturn) {
      chunk = `\r${chunk}`
      this.pendingCarriageReturn = false
    }
    if (chunk.charCodeAt(chunk.length - 1) === 0x0d) {
      this.pendingCarriageReturn = true
      chunk = chunk.slice(0, -1)
    }
    if (chunk === '') return
    // A lone CR is a line end in XML: make it an LF (CRLF stays: text runs turn it into LF).
    if (hasLoneCarriageReturn(chunk)) chunk = chunk.replace(/\r\n?/g, '\n')
    this.checkCharacters(chunk)
    this.advanceLine(this.pos)
    const keep = this.buffer.length - this.pos
    this.consumed += this.pos
    this.lineStart -= this.pos
    this.buffer = keep > 0 ? this.buffer.slice(this.pos) + chunk : chunk
    this.pos = 0
    this.nextNewline = this.buffer.indexOf('\n')
    this.nextAmpersand = this.buffer.indexOf('&')
    this.nextBracket = this.buffer.indexOf(']')
    this.nextCarriageReturn = this.buffer.indexOf('\r')
    this.scan(false)
  }

  /** Ends the document: returns the document node (its children: the root element unless dropped). */
  close(): XmlNode {
    if (this.pendingCarriageReturn) {
      this.pendingCarriageReturn = false
      this.write('\n')
    }
    this.scan(true)
    if (this.top !== this.document) this.fail(`unclosed tag: ${this.top.qname}`, this.buffer.length)
    if (!this.rootSeen) this.fail('document must contain a root element', this.buffer.length)
    return this.document
  }

  private checkCharacters(chunk: string): void {
    const match = FORBIDDEN.exec(chunk)
    if (!match) return
    // Report it where it is: scan what comes before it first (errors there come first).
    this.advanceLine(this.pos)
    const saved = this.buffer.slice(this.pos) + chunk.slice(0, match.index)
    this.consumed += this.pos
    this.lineStart -= this.pos
    this.buffer = saved
    this.pos = 0
    this.nextNewline = saved.indexOf('\n')
    this.nextAmpersand = saved.indexOf('&')
    this.nextBracket = saved.indexOf(']')
    this.nextCarriageReturn = saved.indexOf('\r')
    this.scan(false)
    this.fail('disallowed character', saved.length)
  }

  /** Counts lines up to buffer position `position`. */
  private advanceLine(position: number): void {
    let next = this.nextNewline
    if (next < 0 || next >= position) return
    const buffer = this.buffer
    let line = this.line
    let lineStart = this.lineStart
    while (next >= 0 && next < position) {
      line++
      lineStart = next + 1
      next = buffer.indexOf('\n', next + 1)
    }
    this.line = line
    this.lineStart = lineStart
    this.nextNewline = next
  }

  private lineOf(position: number): number {
    this.advanceLine(position)
    return this.line
  }

  private fail(message: string, position: number): never {
    const line = this.lineOf(position)
    throw new XmlSyntaxError(message, line, position - this.lineStart + 1)
  }

  private scan(final: boolean): void {
    const t = this.buffer
    const length = t.length
    let pos = this.pos
    while (pos < length) {
      const lt = t.indexOf('<', pos)
      if (lt < 0) {
        if (!final) break
        this.characters(pos, length)
        pos = length
        break
      }
      if (lt > pos) this.characters(pos, lt)
      pos = lt
      const next = t.charCodeAt(lt + 1)
      let end: number
      if (next === 0x2f /* / */) end = this.endTag(lt)
      else if (next === 0x21 /* ! */) end = this.markup(lt)
      else if (next === 0x3f /* ? */) end = this.instruction(lt)
      else end = this.startTag(lt)
      if (end < 0) {
        if (final) this.fail('unexpected end of document inside a tag', lt)
        break
      }
      pos = end
    }
    this.pos = pos
  }

  /** Character data text[start, end): the current element's text while it has no child element. */
  private characters(start: number, end: number): void {
    const t = this.buffer
    const top = this.top
    if (this.nextAmpersand >= 0 && this.nextAmpersand < start) this.nextAmpersand = t.indexOf('&', start)
    if (this.nextBracket >= 0 && this.nextBracket < start) this.nextBracket = t.indexOf(']', start)
    if (this.nextCarriageReturn >= 0 && this.nextCarriageReturn < start) this.nextCarriageReturn = t.indexOf('\r', start)
    let first = start
    if (top.text === '' || top === this.document) while (first < end && isBlank(t.charCodeAt(first))) first++
    if (this.nextBracket >= 0 && this.nextBracket < end) this.checkCdataEnd(start, end)
    const hasEntity = this.nextAmpersand >= 0 && this.nextAmpersand < end
    if (top === this.document) {
      if (first < end) this.fail(this.rootSeen ? 'text data outside of root node' : 'text data before the root element', first)
      if (hasEntity) this.nextAmpersand = t.indexOf('&', end)
      return
    }
    if (first === end || top.children !== NO_CHILDREN) {
      // Not kept (blanks before the text, or text after a child), but references must still be valid.
      if (hasEntity) this.decode(start, end)
      return
    }
    let value = hasEntity ? this.decode(first, end) : t.slice(first, end)
    if (this.nextCarriageReturn >= 0 && this.nextCarriageReturn < end) {
      value = value.replaceAll('\r\n', '\n')
      this.nextCarriageReturn = t.indexOf('\r', end)
    }
    top.text = top.text === '' ? value : top.text + value
  }

  private checkCdataEnd(start: number, end: number): void {
    const t = this.buffer
    let at = this.nextBracket
    while (at >= 0 && at < end) {
      if (at >= start && t.startsWith(']]>', at)) this.fail('the string "]]>" is disallowed in char data', at)
      at = t.indexOf(']', at + 1)
    }
    this.nextBracket = at
  }

  /** text[start, end) with its entity and character references replaced. */
  private decode(start: number, end: number): string {
    const t = this.buffer
    let out = ''
    let from = start
    let amp = this.nextAmpersand >= start ? this.nextAmpersand : t.indexOf('&', start)
    while (amp >= 0 && amp < end) {
      const semicolon = t.indexOf(';', amp + 1)
      if (semicolon < 0 || semicolon >= end) this.fail('unterminated entity', amp)
      out += t.slice(from, amp) + this.reference(t.slice(amp + 1, semicolon), amp)
      from = semicolon + 1
      amp = t.indexOf('&', from)
    }
    this.nextAmpersand = amp >= 0 && amp < end ? t.indexOf('&', end) : amp
    return out + t.slice(from, end)
  }

  private reference(name: string, at: number): string {
    switch (name) {
      case 'amp':
        return '&'
      case 'lt':
        return '<'
      case 'gt':
        return '>'
      case 'quot':
        return '"'
      case 'apos':
        return "'"
    }
    if (name.charCodeAt(0) === 0x23 /* # */) {
      const hex = name.charCodeAt(1) === 0x78 /* x */
      const digits = name.slice(hex ? 2 : 1)
      const code = (hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits) ? parseInt(digits, hex ? 16 : 10) : -1
      const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
      if (!valid) this.fail(`malformed character entity: &${name};`, at)
      return String.fromCodePoint(code)
    }
    this.fail(`undefined entity: &${name};`, at)
  }

  /** `<name attr="v"…>` or `<name…/>` at lt; returns where scanning goes on, -1 when the chunk ends inside. */
  private startTag(lt: number): number {
    const t = this.buffer
    const length = t.length
    let p = lt + 1
    if (p >= length) return -1
    if (!isNameStart(t.charCodeAt(p))) this.fail('disallowed character in tag name', p)
    let colon = -1
    for (p++; p < length; p++) {
      const c = t.charCodeAt(p)
      if (!isNameChar(c)) break
      if (c === 0x3a && colon < 0) colon = p
    }
    if (p >= length) return -1
    const nameEnd = p
    let attrs = NO_ATTRIBUTES
    let selfClosing = false
    for (;;) {
      const blankStart = p
      while (p < length && isBlank(t.charCodeAt(p))) p++
      if (p >= length) return -1
      const c = t.charCodeAt(p)
      if (c === 0x3e /* > */) {
        p++
        break
      }
      if (c === 0x2f /* / */) {
        if (p + 1 >= length) return -1
        if (t.charCodeAt(p + 1) !== 0x3e) this.fail('forward-slash in opening tag not followed by >', p)
        selfClosing = true
        p += 2
        break
      }
      if (p === blankStart) this.fail('no whitespace between attributes', p)
      if (!isNameStart(c)) this.fail('disallowed character in attribute name', p)
      const attributeStart = p
      for (p++; p < length && isNameChar(t.charCodeAt(p)); p++);
      const attributeEnd = p
      while (p < length && isBlank(t.charCodeAt(p))) p++
      if (p >= length) return -1
      if (t.charCodeAt(p) !== 0x3d /* = */) this.fail('attribute without value', p)
      for (p++; p < length && isBlank(t.charCodeAt(p)); p++);
      if (p >= length) return -1
      const quote = t.charCodeAt(p)
      if (quote !== 0x22 && quote !== 0x27) this.fail('unquoted attribute value', p)
      const close = t.indexOf(quote === 0x22 ? '"' : "'", p + 1)
      if (close < 0) return -1
      const lessThan = t.indexOf('<', p + 1)
      if (lessThan >= 0 && lessThan < close) this.fail('disallowed character in attribute value', lessThan)
      let value = this.nextAmpersand >= 0 && this.nextAmpersand < close ? this.decode(p + 1, close) : t.slice(p + 1, close)
      if (this.nextBracket >= 0 && this.nextBracket < close) this.nextBracket = t.indexOf(']', close)
      if (/[\t\n\r]/.test(value)) value = value.replace(/\r\n|[\t\n\r]/g, ' ')
      const attribute = t.slice(attributeStart, attributeEnd)
      if (attrs === NO_ATTRIBUTES) attrs = {}
      else if (Object.hasOwn(attrs, attribute)) this.fail(`duplicate attribute: ${attribute}`, attributeStart)
      attrs[attribute] = value
      p = close + 1
    }
    const qname = t.slice(lt + 1, nameEnd)
    const name = colon < 0 ? qname : t.slice(colon + 1, nameEnd)
    const parent = this.top
    if (parent === this.document) {
      if (this.rootSeen) this.fail(this.rootClosed ? 'text data outside of root node' : 'multiple root elements', lt)
      this.rootSeen = true
    }
    const element = new Element(name, qname, attrs, this.lineOf(p - 1), parent)
    if (parent.children === NO_CHILDREN) parent.children = [element]
    else parent.children.push(element)
    if (selfClosing) this.closeElement(element)
    else this.top = element
    return p
  }

  /** `</name>` at lt. */
  private endTag(lt: number): number {
    const t = this.buffer
    const gt = t.indexOf('>', lt + 2)
    if (gt < 0) return -1
    const top = this.top
    const qname = top.qname
    let p = lt + 2 + qname.length
    if (top === this.document || !t.startsWith(qname, lt + 2) || !(p === gt || isBlank(t.charCodeAt(p)))) {
      const written = t.slice(lt + 2, gt).trim()
      this.fail(top === this.document ? `unmatched closing tag: ${written}` : `unexpected close tag ${written}, expected ${qname}`, lt)
    }
    while (p < gt && isBlank(t.charCodeAt(p))) p++
    if (p !== gt) this.fail('invalid characters in closing tag', p)
    this.closeElement(top)
    return gt + 1
  }

  private closeElement(element: Element): void {
    const parent = element.parent!
    this.top = parent
    if (parent === this.document) this.rootClosed = true
    if (this.handlers.onClose?.(element) === true) {
      element.fixedPosition = element.position
      const dropped = (parent.dropped ??= new Map())
      dropped.set(element.name, (dropped.get(element.name) ?? 0) + 1)
      const siblings = parent.children
      if (siblings.at(-1) === element) siblings.pop()
      else siblings.splice(siblings.indexOf(element), 1)
    }
  }

  /** `<!--…-->`, `<![CDATA[…]]>`; a DOCTYPE is refused. */
  private markup(lt: number): number {
    const t = this.buffer
    if (t.startsWith('<!--', lt)) {
      const end = t.indexOf('-->', lt + 4)
      if (end < 0) return -1
      const dashes = t.indexOf('--', lt + 4)
      if (dashes < end) this.fail('double dash in comment', dashes)
      this.skipCaches(end + 3)
      return end + 3
    }
    if (t.startsWith('<![CDATA[', lt)) {
      const end = t.indexOf(']]>', lt + 9)
      if (end < 0) return -1
      const top = this.top
      if (top === this.document) this.fail('CDATA outside of root node', lt)
      let value = t.slice(lt + 9, end)
      if (top.children === NO_CHILDREN && !(top.text === '' && /^[ \t\r\n]*$/.test(value))) {
        if (value.indexOf('\r') >= 0) value = value.replaceAll('\r\n', '\n')
        top.text = top.text === '' ? value : top.text + value
      }
      this.skipCaches(end + 3)
      return end + 3
    }
    if (t.length - lt < 9) {
      const rest = t.slice(lt)
      if ('<!--'.startsWith(rest) || '<![CDATA['.startsWith(rest) || '<!DOCTYPE'.startsWith(rest)) return -1
    }
    if (t.startsWith('<!DOCTYPE', lt)) this.fail('a DOCTYPE is not allowed in a statement file', lt)
    this.fail('disallowed markup', lt)
  }

  /** `<?target …?>`: the XML declaration only at the very start. */
  private instruction(lt: number): number {
    const t = this.buffer
    const end = t.indexOf('?>', lt + 2)
    if (end < 0) return -1
    const target = /^[^\s?]*/.exec(t.slice(lt + 2, Math.min(end, lt + 64)))![0]
    if (!/^[A-Za-z_:\u00c0-\uffff][\w.:\u00b7\u00c0-\uffff-]*$/.test(target)) this.fail('disallowed character in processing instruction name', lt + 2)
    if (target.toLowerCase() === 'xml') {
      if (target !== 'xml' || this.consumed + lt !== 0) this.fail('an XML declaration must be at the start of the document', lt)
      if (!XML_DECLARATION.test(t.slice(lt, end + 2))) this.fail('malformed XML declaration', lt)
    }
    this.skipCaches(end + 2)
    return end + 2
  }

  /** Moves the "&", "]" and CR finders past markup whose content is not character data. */
  private skipCaches(position: number): void {
    const t = this.buffer
    if (this.nextAmpersand >= 0 && this.nextAmpersand < position) this.nextAmpersand = t.indexOf('&', position)
    if (this.nextBracket >= 0 && this.nextBracket < position) this.nextBracket = t.indexOf(']', position)
    if (this.nextCarriageReturn >= 0 && this.nextCarriageReturn < position) this.nextCarriageReturn = t.indexOf('\r', position)
  }
}

function hasLoneCarriageReturn(text: string): boolean {
  for (let at = text.indexOf('\r'); at >= 0; at = text.indexOf('\r', at + 1)) {
    if (text.charCodeAt(at + 1) !== 0x0a) return true
  }
  return false
}

/** `Document/BkToCstmrStmt/Stmt[2]/Ntry[5]` — indices shown where an element has same-name siblings before it. */
export function pathOf(node: XmlNode | undefined, child?: string): string {
  const parts: string[] = []
  for (let n = node; n && n.name !== '#document'; n = n.parent) {
    const position = n.position
    parts.unshift(position > 1 ? `${n.name}[${position}]` : n.name)
  }
  if (child) parts.push(child)
  return parts.join('/')
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (!node) return undefined
  const children = node.children
  for (let i = 0; i < children.length; i++) if (children[i]!.name === name) return children[i]
  return undefined
}

export function childrenNamed(node: XmlNode | undefined, name: string): XmlNode[] {
  return node ? node.children.filter((c) => c.name === name) : []
}

/** The node at a `/`-separated path of child names below `node`. */
const PATHS = new Map<string, string[]>()

export function at(node: XmlNode | undefined, path: string): XmlNode | undefined {
  let names = PATHS.get(path)
  if (!names) PATHS.set(path, (names = path.split('/')))
  let current = node
  for (const name of names) {
    current = child(current, name)
    if (!current) return undefined
  }
  return current
}

/** Trimmed text at `path` (or of `node` itself); undefined when absent or empty. */
export function textAt(node: XmlNode | undefined, path?: string): string | undefined {
  const target = path ? at(node, path) : node
  if (!target) return undefined
  const text = target.text.trim()
  return text === '' ? undefined : text
}
