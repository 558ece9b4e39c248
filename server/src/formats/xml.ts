import { SaxesParser, type SaxesTagPlain } from 'saxes'

/**
 * A small element tree over saxes (a strict, well-kept streaming XML parser). Names are local
 * (namespace prefixes dropped: camt files come as `Document`, `camt:Document`, `Doc:Document`…).
 * `onClose` may return true to drop a finished element from its parent, which keeps memory flat for
 * files with many thousands of entries.
 */
export interface XmlNode {
  name: string
  attrs: Record<string, string>
  children: XmlNode[]
  text: string
  line: number
  parent: XmlNode | undefined
  /** 1-based position among siblings of the same name, for element paths like `Stmt[2]/Ntry[5]`. */
  position: number
  counts?: Record<string, number>
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

/** Parses `text`; throws XmlSyntaxError on malformed XML and on a DOCTYPE (no DTDs, no entity tricks). */
export function parseXml(text: string, handlers: XmlStreamHandlers = {}): XmlNode {
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true })
  const root: XmlNode = { name: '#document', attrs: {}, children: [], text: '', line: 1, parent: undefined, position: 1 }
  let top = root
  parser.on('error', (error) => {
    throw new XmlSyntaxError(error.message.replace(/^[^:]*:\d+:\d+: /, ''), parser.line, parser.column)
  })
  parser.on('doctype', () => {
    throw new XmlSyntaxError('a DOCTYPE is not allowed in a statement file', parser.line, parser.column)
  })
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const colon = tag.name.indexOf(':')
    const name = colon < 0 ? tag.name : tag.name.slice(colon + 1)
    // Same-name sibling counters live on the parent and only exist for elements that have children.
    const counts = (top.counts ??= Object.create(null) as Record<string, number>)
    const position = (counts[name] = (counts[name] ?? 0) + 1)
    const node: XmlNode = { name, attrs: tag.attributes, children: [], text: '', line: parser.line, parent: top, position }
    top.children.push(node)
    top = node
  })
  parser.on('text', (text) => {
    if (top.children.length === 0) top.text += text
  })
  parser.on('cdata', (text) => {
    if (top.children.length === 0) top.text += text
  })
  parser.on('closetag', () => {
    const node = top
    top = node.parent ?? root
    if (handlers.onClose?.(node) === true) top.children.pop()
  })
  parser.write(text).close()
  return root
}

/** `Document/BkToCstmrStmt/Stmt[2]/Ntry[5]` — indices shown where an element has same-name siblings before it. */
export function pathOf(node: XmlNode | undefined, child?: string): string {
  const parts: string[] = []
  for (let n = node; n && n.name !== '#document'; n = n.parent) {
    parts.unshift(n.position > 1 ? `${n.name}[${n.position}]` : n.name)
  }
  if (child) parts.push(child)
  return parts.join('/')
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (!node) return undefined
  for (const c of node.children) if (c.name === name) return c
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
