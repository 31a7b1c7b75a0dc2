import Synchronization

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

  /// The JSON text of `value` (the same bytes as `JSONValue.text(pretty:)` of `value(_:)`, written
  /// from the encoded tree without building dictionaries).
  public func text<Value: Encodable>(_ value: Value) throws -> String {
    var out: [UInt8] = []
    out.reserveCapacity(2048)
    try encodeChild(value).write(to: &out, pretty: pretty, indent: 0)
    return String(decoding: out, as: UTF8.self)
  }

  /// The `JSONValue` tree of `value`.
  public static func value<Value: Encodable>(_ value: Value) throws -> JSONValue {
    if let json = value as? JSONValue { return json }
    return try encodeChild(value).value
  }
}

/// A node under construction: containers are reference boxes so nested encoders can fill them.
/// Leaf values are stored inline (`Child.value`), members in insertion order (a later value for
/// the same key replaces an earlier one when the tree is finished).
private final class Node {
  enum Content {
    case unset
    case value(JSONValue)
    case array([Child])
    case object([(key: String, child: Child)])
  }
  var content: Content = .unset
  /// The `CodingKey` type of a keyed container (to reuse its member order, see `MemberOrder`).
  var keyType: ObjectIdentifier?

  /// An empty member list with room for a typical report object (one allocation instead of one
  /// per doubling while the members are appended).
  static func emptyMembers() -> [(key: String, child: Child)] {
    var members: [(key: String, child: Child)] = []
    members.reserveCapacity(32)
    return members
  }

  var value: JSONValue {
    switch content {
    case .unset: .null
    case .value(let v): v
    case .array(let children): .array(children.map(\.value))
    case .object(let members):
      .object(Self.dictionary(members))
    }
  }

  /// The members as a dictionary (a later value for a key replaces an earlier one).
  private static func dictionary(_ members: [(key: String, child: Child)]) -> [String: JSONValue] {
    var result: [String: JSONValue] = [:]
    result.reserveCapacity(members.count)
    for member in members { result[member.key] = member.child.value }
    return result
  }
}

/// A member or element: a finished value, an array reports are made of (kept as it is until it
/// is written), or a container still being filled.
private enum Child {
  case value(JSONValue)
  case array(DirectArray)
  case node(Node)

  var value: JSONValue {
    switch self {
    case .value(let v): v
    case .array(let array): array.value
    case .node(let node): node.value
    }
  }

  /// Writes exactly what `value.text(pretty:)` writes: members sorted by key, the last value of a
  /// repeated key.
  func write(to out: inout [UInt8], pretty: Bool, indent: Int) throws(JSONOutputError) {
    let node: Node
    switch self {
    case .value(let v): return try v.write(to: &out, pretty: pretty, indent: indent)
    case .array(let array): return try array.write(to: &out, pretty: pretty, indent: indent)
    case .node(let n): node = n
    }
    switch node.content {
    case .unset: JSONValue.appendASCII("null", to: &out)
    case .value(let v): try v.write(to: &out, pretty: pretty, indent: indent)
    case .array(let children):
      try JSONValue.writeContainer(count: children.count, object: false, to: &out, pretty: pretty, indent: indent) {
        (i, out) throws(JSONOutputError) in
        try children[i].write(to: &out, pretty: pretty, indent: indent + 1)
      }
    case .object(let members):
      let layout = MemberOrder.shared.layout(of: members, keyType: node.keyType)
      let kept = layout.order
      try JSONValue.writeContainer(count: kept.count, object: true, to: &out, pretty: pretty, indent: indent) {
        (i, out) throws(JSONOutputError) in
        // `JSONValue.writeKey`, with the key's escaped text made once per shape.
        out.append(contentsOf: layout.quotedKeys[kept[i]])
        JSONValue.appendASCII(pretty ? ": " : ":", to: &out)
        try members[kept[i]].child.write(to: &out, pretty: pretty, indent: indent + 1)
      }
    }
  }
}

/// The order in which an object's members are written: sorted by key, insertion order among
/// equal keys, only the last of a repeated key kept; with each member's key as written (quoted and
/// escaped). A report type encodes the same keys in the same order every time, so the layout is
/// remembered per (first `CodingKey` type, member count) together with the key sequence it was
/// computed for, and reused only when the object's keys are that sequence (checked key by key).
private final class MemberOrder: Sendable {
  static let shared = MemberOrder()

  struct Layout {
    /// The indices of the members to write, in writing order.
    var order: [Int]
    /// Each member's key as JSON text (`JSONValue.escape`), by member index.
    var quotedKeys: [[UInt8]]
  }

  private struct Entry {
    var keys: [String]
    var layout: Layout
  }
  /// The first key type of an object and its member count.
  private struct Shape: Hashable {
    var keyType: ObjectIdentifier
    var count: Int
  }
  private let cache = Mutex<[Shape: Entry]>([:])

  func layout(of members: [(key: String, child: Child)], keyType: ObjectIdentifier?) -> Layout {
    let shape = keyType.map { Shape(keyType: $0, count: members.count) }
    if let shape, let known = cache.withLock({ $0[shape] }), zip(known.keys, members).allSatisfy({ $0 == $1.key }) {
      return known.layout
    }
    let layout = Layout(
      order: Self.sortedOrder(members),
      quotedKeys: members.map { member in
        var text: [UInt8] = []
        JSONValue.escape(member.key, into: &text)
        return text
      })
    if let shape {
      let entry = Entry(keys: members.map(\.key), layout: layout)
      cache.withLock { $0[shape] = entry }
    }
    return layout
  }

  private static func sortedOrder(_ members: [(key: String, child: Child)]) -> [Int] {
    let sorted = members.indices.sorted { (members[$0].key, $0) < (members[$1].key, $1) }
    return sorted.indices.filter { $0 + 1 == sorted.count || members[sorted[$0 + 1]].key != members[sorted[$0]].key }
      .map { sorted[$0] }
  }
}

private struct TreeEncoder: Encoder {
  var codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }
  let storage: Node

  /// The coding path is not tracked (it only decorates error messages, and building it costs an
  /// allocation per value); encoding errors name the value instead.
  init(codingPath: [any CodingKey] = [], storage: Node = Node()) {
    self.codingPath = codingPath
    self.storage = storage
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    if case .object = storage.content {} else { storage.content = .object(Node.emptyMembers()) }
    // The first key type names the object (a report that adds members under a second key type,
    // like `SweepAnswerReport`, keeps the first; the key sequence is checked on every use anyway).
    if storage.keyType == nil { storage.keyType = ObjectIdentifier(Key.self) }
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

/// Encodes one value. Primitives and the arrays reports are made of (witness matrices, name
/// lists) are recognized by type identity (no dynamic casts, no nested encoder): primitives
/// become `JSONValue`s, arrays are kept as they are (`DirectArray`) and written element by
/// element. `fairmem sweep` writes thousands of reports per second.
private func encodeChild<T: Encodable>(_ value: T) throws -> Child {
  if let direct = directChild(value) { return direct }
  let node = Node()
  try value.encode(to: TreeEncoder(storage: node))
  return .node(node)
}

private func directChild<T>(_ value: T) -> Child? {
  // Value types have no subtypes, so type identity is an identifier comparison (a dynamic cast
  // of the metatype, `T.self is Double.Type`, goes through the runtime's cast machinery).
  func isType<U>(_: U.Type) -> Bool { ObjectIdentifier(T.self) == ObjectIdentifier(U.self) }
  if isType(Double.self) { return .value(.number(value as! Double)) }
  if isType(Int.self) { return .value(.integer(value as! Int)) }
  if isType(String.self) { return .value(.string(value as! String)) }
  if isType(Bool.self) { return .value(.bool(value as! Bool)) }
  if isType(JSONValue.self) { return .value(value as! JSONValue) }
  if isType([Double].self) { return .array(.numbers(value as! [Double])) }
  if isType([[Double]].self) { return .array(.numberRows(value as! [[Double]])) }
  if isType([Double?].self) { return .array(.optionalNumbers(value as! [Double?])) }
  if isType([String].self) { return .array(.strings(value as! [String])) }
  if isType([[String]].self) { return .array(.stringRows(value as! [[String]])) }
  if isType([[Int]].self) { return .array(.integerRows(value as! [[Int]])) }
  return nil
}

/// An array of one of the element types reports are made of, written without first turning
/// every element into a `JSONValue` (the same bytes as `value`'s writer).
private enum DirectArray {
  case numbers([Double])
  case numberRows([[Double]])
  case optionalNumbers([Double?])
  case strings([String])
  case stringRows([[String]])
  case integerRows([[Int]])

  var value: JSONValue {
    switch self {
    case .numbers(let a): .array(a.map { .number($0) })
    case .numberRows(let a): .array(a.map { .array($0.map { .number($0) }) })
    case .optionalNumbers(let a): .array(a.map { $0.map { .number($0) } ?? .null })
    case .strings(let a): .array(a.map { .string($0) })
    case .stringRows(let a): .array(a.map { .array($0.map { .string($0) }) })
    case .integerRows(let a): .array(a.map { .array($0.map { .integer($0) }) })
    }
  }

  func write(to out: inout [UInt8], pretty: Bool, indent: Int) throws(JSONOutputError) {
    switch self {
    case .numbers(let a): try Self.write(a, to: &out, pretty: pretty, indent: indent, JSONValue.writeNumber)
    case .numberRows(let a): try Self.writeRows(a, to: &out, pretty: pretty, indent: indent, JSONValue.writeNumber)
    case .optionalNumbers(let a):
      try Self.write(a, to: &out, pretty: pretty, indent: indent) { (x, out) throws(JSONOutputError) in
        if let x { try JSONValue.writeNumber(x, to: &out) } else { JSONValue.appendASCII("null", to: &out) }
      }
    case .strings(let a): try Self.write(a, to: &out, pretty: pretty, indent: indent, JSONValue.escape)
    case .stringRows(let a): try Self.writeRows(a, to: &out, pretty: pretty, indent: indent, JSONValue.escape)
    case .integerRows(let a): try Self.writeRows(a, to: &out, pretty: pretty, indent: indent, JSONValue.writeInteger)
    }
  }

  /// `[...]` around the elements, laid out as `JSONValue.writeContainer` lays out an array.
  /// An array of arrays, each inner array one level deeper.
  private static func writeRows<Element>(
    _ rows: [[Element]], to out: inout [UInt8], pretty: Bool, indent: Int,
    _ element: (Element, inout [UInt8]) throws(JSONOutputError) -> Void
  ) throws(JSONOutputError) {
    try write(rows, to: &out, pretty: pretty, indent: indent) { (row, out) throws(JSONOutputError) in
      try write(row, to: &out, pretty: pretty, indent: indent + 1, element)
    }
  }

  private static func write<Element>(
    _ elements: [Element], to out: inout [UInt8], pretty: Bool, indent: Int,
    _ element: (Element, inout [UInt8]) throws(JSONOutputError) -> Void
  ) throws(JSONOutputError) {
    try JSONValue.writeContainer(count: elements.count, object: false, to: &out, pretty: pretty, indent: indent) {
      (i, out) throws(JSONOutputError) in
      try element(elements[i], &out)
    }
  }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let node: Node
  var codingPath: [any CodingKey]

  private func set(_ key: Key, _ child: Child) {
    guard case .object(var members) = node.content else { preconditionFailure("keyed container on a non-object") }
    node.content = .unset  // release the members so the append does not copy them
    members.append((key.stringValue, child))
    node.content = .object(members)
  }

  private func set(_ key: Key, _ value: JSONValue) { set(key, .value(value)) }

  mutating func encodeNil(forKey key: Key) throws { set(key, .null) }
  mutating func encode(_ value: Bool, forKey key: Key) throws { set(key, .bool(value)) }
  mutating func encode(_ value: String, forKey key: Key) throws { set(key, .string(value)) }
  mutating func encode(_ value: Double, forKey key: Key) throws { set(key, .number(value)) }
  mutating func encode(_ value: Int, forKey key: Key) throws { set(key, .integer(value)) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { set(key, try encodeChild(value)) }

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
    child.content = .object(Node.emptyMembers())
    child.keyType = ObjectIdentifier(NestedKey.self)
    set(key, .node(child))
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let child = Node()
    child.content = .array([])
    set(key, .node(child))
    return UnkeyedContainer(node: child, codingPath: codingPath + [key])
  }

  mutating func superEncoder() -> any Encoder { TreeEncoder(codingPath: codingPath, storage: node) }
  mutating func superEncoder(forKey key: Key) -> any Encoder {
    let child = Node()
    set(key, .node(child))
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

  private func append(_ child: Child) {
    guard case .array(var items) = node.content else { preconditionFailure("unkeyed container on a non-array") }
    node.content = .unset
    items.append(child)
    node.content = .array(items)
  }

  private func append(_ value: JSONValue) { append(.value(value)) }

  mutating func encodeNil() throws { append(.null) }
  mutating func encode(_ value: Bool) throws { append(.bool(value)) }
  mutating func encode(_ value: String) throws { append(.string(value)) }
  mutating func encode(_ value: Double) throws { append(.number(value)) }
  mutating func encode(_ value: Int) throws { append(.integer(value)) }
  mutating func encode<T: Encodable>(_ value: T) throws { append(try encodeChild(value)) }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    let child = Node()
    child.content = .object(Node.emptyMembers())
    child.keyType = ObjectIdentifier(NestedKey.self)
    append(.node(child))
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [IndexKey(count)]))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let child = Node()
    child.content = .array([])
    append(.node(child))
    return UnkeyedContainer(node: child, codingPath: codingPath + [IndexKey(count)])
  }

  mutating func superEncoder() -> any Encoder {
    let child = Node()
    append(.node(child))
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
  mutating func encode(_ value: Float) throws { node.content = .value(.number(Double(value))) }
  mutating func encode(_ value: Int8) throws { try encodeInteger(value) }
  mutating func encode(_ value: Int16) throws { try encodeInteger(value) }
  mutating func encode(_ value: Int32) throws { try encodeInteger(value) }
  mutating func encode(_ value: Int64) throws { try encodeInteger(value) }
  mutating func encode(_ value: UInt) throws { try encodeInteger(value) }
  mutating func encode(_ value: UInt8) throws { try encodeInteger(value) }
  mutating func encode(_ value: UInt16) throws { try encodeInteger(value) }
  mutating func encode(_ value: UInt32) throws { try encodeInteger(value) }
  mutating func encode(_ value: UInt64) throws { try encodeInteger(value) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    switch try encodeChild(value) {
    case .value(let v): node.content = .value(v)
    case .array(let array): node.content = .value(array.value)
    case .node(let child):
      node.content = child.content
      node.keyType = child.keyType
    }
  }

  /// Integers that fit an `Int` are written exactly; larger ones (a `UInt64` seed) as their digits.
  private func encodeInteger<I: BinaryInteger>(_ value: I) throws {
    if let exact = Int(exactly: value) {
      node.content = .value(.integer(exact))
    } else {
      throw EncodingError.invalidValue(
        value, .init(codingPath: codingPath, debugDescription: "integer \(value) does not fit a JSON integer (Int)"))
    }
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
    case .numberLiteral(let text): try container.encode(Double(text) ?? .nan)  // verbatim only in JSONValue's writer
    case .string(let s): try container.encode(s)
    case .array(let items): try container.encode(items)
    case .object(let members): try container.encode(members)
    }
  }
}

extension JSONValue: Decodable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let b = try? container.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? container.decode(Int.self) {
      self = .integer(i)
    } else if let d = try? container.decode(Double.self) {
      self = .number(d)
    } else if let s = try? container.decode(String.self) {
      self = .string(s)
    } else if let items = try? container.decode([JSONValue].self) {
      self = .array(items)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }
}

extension JSONReportEncoder {
  /// A top-level JSON array written element by element, for reports too large to hold as one
  /// tree (`fairmem explain --json`: G(G-1)/2 entries per rate). The concatenation of
  /// `arrayElementText(_:index:)` for indices 0, 1, ... and `arrayEndText(count:)` is exactly
  /// what `text(_:)` writes for the whole array.
  ///
  /// Element `index` comes with what precedes it: the opening bracket (index 0) or a comma, then
  /// (pretty) a line break and one level of indentation.
  public func arrayElementText<Value: Encodable>(_ value: Value, index: Int) throws -> String {
    var out: [UInt8] = [UInt8(ascii: index == 0 ? "[" : ",")]
    if pretty { JSONValue.newline(&out, 1) }
    try encodeChild(value).write(to: &out, pretty: pretty, indent: 1)
    return String(decoding: out, as: UTF8.self)
  }

  /// What closes an array of `count` elements written by `arrayElementText(_:index:)` (`[]` when
  /// there were none).
  public func arrayEndText(count: Int) -> String {
    count == 0 ? "[]" : pretty ? "\n]" : "]"
  }
}
