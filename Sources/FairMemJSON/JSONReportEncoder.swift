/// Encodes any `Encodable` report into a `JSONValue` and writes it with `JSONValue`'s fast,
/// deterministic writer: keys sorted, numbers in Swift's shortest round-trip form (integral
/// doubles below 1e15 without a fraction), two-space indentation when pretty. Every `--json`
/// output of FairMem goes through it, so a report type *is* its JSON schema.
///
/// Differences from Foundation's `JSONEncoder`, on purpose:
/// - a `nil` optional is written as `null` (the key is always present), so a reader sees every
///   field of the schema;
/// - keys are written as the type's `CodingKeys` spell them (no key strategy);
/// - a non-finite number throws `JSONOutputError` instead of printing an invalid value.
public struct JSONReportEncoder: Sendable {
  /// Indented output (one member per line) or one line (JSON Lines).
  public var pretty: Bool

  public init(pretty: Bool = true) { self.pretty = pretty }

  /// The JSON text of `value`.
  public func text<Value: Encodable>(_ value: Value) throws -> String {
    try Self.value(value).text(pretty: pretty)
  }

  /// The `JSONValue` tree of `value`.
  public static func value<Value: Encodable>(_ value: Value) throws -> JSONValue {
    if let json = value as? JSONValue { return json }
    let encoder = TreeEncoder(codingPath: [])
    try value.encode(to: encoder)
    return encoder.storage.value
  }
}

/// A node under construction: containers are reference boxes so nested encoders can fill them.
private final class Node {
  enum Content {
    case unset
    case value(JSONValue)
    case array([Node])
    case object([String: Node])
  }
  var content: Content = .unset

  var value: JSONValue {
    switch content {
    case .unset: .null
    case .value(let v): v
    case .array(let nodes): .array(nodes.map(\.value))
    case .object(let members): .object(members.mapValues(\.value))
    }
  }
}

private struct TreeEncoder: Encoder {
  var codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }
  let storage: Node

  init(codingPath: [any CodingKey], storage: Node = Node()) {
    self.codingPath = codingPath
    self.storage = storage
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    if case .object = storage.content {} else { storage.content = .object([:]) }
    return KeyedEncodingContainer(KeyedContainer<Key>(node: storage, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    if case .array = storage.content {} else { storage.content = .array([]) }
    return UnkeyedContainer(node: storage, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleContainer(node: storage, codingPath: codingPath)
  }
}

/// Encodes one value into a fresh node (primitives directly, without a nested encoder).
private func encodeNode<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> Node {
  let node = Node()
  switch value {
  case let v as JSONValue: node.content = .value(v)
  case let v as Double: node.content = .value(.number(v))
  case let v as Int: node.content = .value(.integer(v))
  case let v as String: node.content = .value(.string(v))
  case let v as Bool: node.content = .value(.bool(v))
  // Other integer widths (UInt64 seeds, ...): their `encode(to:)` asks a single-value container
  // for the same type again, which would recurse here forever.
  case let v as any BinaryInteger:
    guard let i = Int(exactly: v) else {
      throw EncodingError.invalidValue(
        v, .init(codingPath: codingPath, debugDescription: "integer \(v) does not fit a JSON integer (Int)"))
    }
    node.content = .value(.integer(i))
  default: try value.encode(to: TreeEncoder(codingPath: codingPath, storage: node))
  }
  return node
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let node: Node
  var codingPath: [any CodingKey]

  private func set(_ key: Key, _ child: Node) {
    guard case .object(var members) = node.content else { preconditionFailure("keyed container on a non-object") }
    node.content = .unset  // release the dictionary so the insertion does not copy it
    members[key.stringValue] = child
    node.content = .object(members)
  }

  private func set(_ key: Key, _ value: JSONValue) {
    let child = Node()
    child.content = .value(value)
    set(key, child)
  }

  mutating func encodeNil(forKey key: Key) throws { set(key, .null) }
  mutating func encode(_ value: Bool, forKey key: Key) throws { set(key, .bool(value)) }
  mutating func encode(_ value: String, forKey key: Key) throws { set(key, .string(value)) }
  mutating func encode(_ value: Double, forKey key: Key) throws { set(key, .number(value)) }
  mutating func encode(_ value: Int, forKey key: Key) throws { set(key, .integer(value)) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    set(key, try encodeNode(value, codingPath: codingPath + [key]))
  }

  // A nil optional is written as null: every key of the schema is present.
  mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { set(key, value.map { .bool($0) } ?? .null) }
  mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
    set(key, value.map { .string($0) } ?? .null)
  }
  mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws {
    set(key, value.map { .number($0) } ?? .null)
  }
  mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
    set(key, value.map { .integer($0) } ?? .null)
  }
  mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
    guard let value else { return set(key, .null) }
    try encode(value, forKey: key)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
    -> KeyedEncodingContainer<NestedKey>
  {
    let child = Node()
    child.content = .object([:])
    set(key, child)
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let child = Node()
    child.content = .array([])
    set(key, child)
    return UnkeyedContainer(node: child, codingPath: codingPath + [key])
  }

  mutating func superEncoder() -> any Encoder { TreeEncoder(codingPath: codingPath, storage: node) }
  mutating func superEncoder(forKey key: Key) -> any Encoder {
    let child = Node()
    set(key, child)
    return TreeEncoder(codingPath: codingPath + [key], storage: child)
  }
}

private struct IndexKey: CodingKey {
  var stringValue: String { "\(intValue ?? 0)" }
  var intValue: Int?
  init(_ index: Int) { intValue = index }
  init?(stringValue: String) { nil }
  init?(intValue: Int) { self.intValue = intValue }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
  let node: Node
  var codingPath: [any CodingKey]

  var count: Int {
    guard case .array(let items) = node.content else { return 0 }
    return items.count
  }

  private func append(_ child: Node) {
    guard case .array(var items) = node.content else { preconditionFailure("unkeyed container on a non-array") }
    node.content = .unset
    items.append(child)
    node.content = .array(items)
  }

  private func append(_ value: JSONValue) {
    let child = Node()
    child.content = .value(value)
    append(child)
  }

  mutating func encodeNil() throws { append(.null) }
  mutating func encode(_ value: Bool) throws { append(.bool(value)) }
  mutating func encode(_ value: String) throws { append(.string(value)) }
  mutating func encode(_ value: Double) throws { append(.number(value)) }
  mutating func encode(_ value: Int) throws { append(.integer(value)) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    append(try encodeNode(value, codingPath: codingPath + [IndexKey(count)]))
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    let child = Node()
    child.content = .object([:])
    append(child)
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [IndexKey(count)]))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let child = Node()
    child.content = .array([])
    append(child)
    return UnkeyedContainer(node: child, codingPath: codingPath + [IndexKey(count)])
  }

  mutating func superEncoder() -> any Encoder {
    let child = Node()
    append(child)
    return TreeEncoder(codingPath: codingPath, storage: child)
  }
}

private struct SingleContainer: SingleValueEncodingContainer {
  let node: Node
  var codingPath: [any CodingKey]

  mutating func encodeNil() throws { node.content = .value(.null) }
  mutating func encode(_ value: Bool) throws { node.content = .value(.bool(value)) }
  mutating func encode(_ value: String) throws { node.content = .value(.string(value)) }
  mutating func encode(_ value: Double) throws { node.content = .value(.number(value)) }
  mutating func encode(_ value: Int) throws { node.content = .value(.integer(value)) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    node.content = try encodeNode(value, codingPath: codingPath).content
  }
}

extension JSONValue: Encodable {
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let b): try container.encode(b)
    case .integer(let i): try container.encode(i)
    case .number(let d): try container.encode(d)
    case .string(let s): try container.encode(s)
    case .array(let items): try container.encode(items)
    case .object(let members): try container.encode(members)
    }
  }
}
