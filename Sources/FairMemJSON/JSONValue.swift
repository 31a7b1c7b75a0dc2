public import FailureReporting
import Foundation

/// A JSON value with a fast, deterministic writer (object keys sorted, numbers in Swift's
/// shortest round-trip form). `fairmem sweep` writes tens of thousands of answers per second;
/// Foundation's `JSONSerialization` with sorted keys spends most of its time casting and sorting
/// `AnyHashable`s, so the CLI writes its own output.
///
/// Not `indirect`: arrays and objects already store their elements out of line, and an
/// `indirect` enum would put every number and string in a heap box of its own.
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case integer(Int)
  case number(Double)
  /// A number echoed from input exactly as it was written (`JSONReader.NumberLiteral`).
  case numberLiteral(String)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// Converts the values the CLI builds (`String`, `Double`, `Int`, `Bool`, arrays,
  /// `[String: Any]`, `NSNull`, optionals, and `NSNumber`s echoed from parsed input).
  public init(_ any: Any?) {
    guard let any else {
      self = .null
      return
    }
    // Native Swift types first: casting to NSNumber or NSDictionary would bridge (slow).
    if type(of: any) is NSNumber.Type, let value = any as? NSNumber {
      // Parsed JSON: booleans have objCType "c"; integral numbers stay integers.
      let code = String(cString: value.objCType)
      if code == "c" {
        self = .bool(value.boolValue)
      } else if code == "d" || code == "f" {
        self = .number(value.doubleValue)
      } else {
        self = .integer(value.intValue)
      }
      return
    }
    switch any {
    case let value as JSONValue: self = value
    case let value as String: self = .string(value)
    case let value as Double: self = .number(value)
    case let value as Int: self = .integer(value)
    case let value as Bool: self = .bool(value)
    case let value as JSONReader.NumberLiteral: self = .numberLiteral(value.text)
    case let value as [String: JSONValue]: self = .object(value)
    case let value as [[String: JSONValue]]: self = .array(value.map { .object($0) })
    case let value as [String: Any]: self = .object(value.mapValues { JSONValue($0) })
    case let value as [[Double]]: self = .array(value.map { .array($0.map { .number($0) }) })
    case let value as [Double]: self = .array(value.map { .number($0) })
    case let value as [String]: self = .array(value.map { .string($0) })
    case let value as [Any]: self = .array(value.map { JSONValue($0) })
    case is NSNull, is JSONReader.Null: self = .null
    default: self = .string("\(any)")
    }
  }

  /// Serializes; throws on a non-finite number rather than printing an invalid or wrong value.
  public func text(pretty: Bool) throws(JSONOutputError) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(2048)
    try write(to: &out, pretty: pretty, indent: 0)
    return String(decoding: out, as: UTF8.self)
  }

  /// Writes UTF-8 bytes (appending to a byte array is much cheaper than to a `String`).
  func write(to out: inout [UInt8], pretty: Bool, indent: Int) throws(JSONOutputError) {
    switch self {
    case .null: Self.appendASCII("null", to: &out)
    case .bool(let b): Self.appendASCII(b ? "true" : "false", to: &out)
    case .integer(let i): Self.writeInteger(i, to: &out)
    case .number(let d): try Self.writeNumber(d, to: &out)
    case .numberLiteral(let text): out.append(contentsOf: text.utf8)  // validated JSON number syntax
    case .string(let s): Self.escape(s, into: &out)
    case .array(let items):
      try Self.writeContainer(count: items.count, object: false, to: &out, pretty: pretty, indent: indent) {
        (i, out) throws(JSONOutputError) in
        try items[i].write(to: &out, pretty: pretty, indent: indent + 1)
      }
    case .object(let members):
      // Sorting the (key, value) pairs avoids a hash lookup per key.
      let sorted = members.sorted(by: { $0.key < $1.key })
      try Self.writeContainer(count: sorted.count, object: true, to: &out, pretty: pretty, indent: indent) {
        (i, out) throws(JSONOutputError) in
        Self.writeKey(sorted[i].key, to: &out, pretty: pretty)
        try sorted[i].value.write(to: &out, pretty: pretty, indent: indent + 1)
      }
    }
  }

  /// Writes an integer in decimal.
  static func writeInteger(_ i: Int, to out: inout [UInt8]) { out.append(contentsOf: String(i).utf8) }

  /// Writes a number: integral values below 1e15 without a fraction, others in Swift's shortest
  /// round-trip form; throws on a non-finite number.
  static func writeNumber(_ d: Double, to out: inout [UInt8]) throws(JSONOutputError) {
    guard d.isFinite else {
      throw JSONOutputError(problem: "non-finite number \(d) cannot be written as JSON")
    }
    if d == d.rounded(), abs(d) < 1e15 {
      writeInteger(Int(d), to: &out)
    } else {
      writeDescription(of: d, to: &out)
    }
  }

  /// Appends fixed text (a literal: its UTF-8 is copied in one piece, not iterated).
  static func appendASCII(_ text: StaticString, to out: inout [UInt8]) {
    text.withUTF8Buffer { out.append(contentsOf: $0) }
  }

  /// Appends `d.description` (Swift's shortest round-trip form) without making a `String`:
  /// `Double.write(to:)` formats into a stack buffer and hands it to the stream's `_writeASCII`
  /// (the same digits `description` returns; a stream without `_writeASCII` gets a `String`).
  static func writeDescription(of d: Double, to out: inout [UInt8]) {
    var sink = ByteSink()
    swap(&sink.bytes, &out)
    d.write(to: &sink)
    swap(&sink.bytes, &out)
  }

  /// A text output stream appending UTF-8 to a byte array.
  private struct ByteSink: TextOutputStream {
    var bytes: [UInt8] = []
    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
  }

  /// Writes `[...]` or `{...}` around `count` items written by `item`, with commas and (pretty)
  /// one item per line indented one level deeper; `[]`/`{}` when empty.
  static func writeContainer(
    count: Int, object: Bool, to out: inout [UInt8], pretty: Bool, indent: Int,
    _ item: (Int, inout [UInt8]) throws(JSONOutputError) -> Void
  ) throws(JSONOutputError) {
    guard count > 0 else {
      Self.appendASCII(object ? "{}" : "[]", to: &out)
      return
    }
    out.append(UInt8(ascii: object ? "{" : "["))
    for i in 0..<count {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      if pretty { newline(&out, indent + 1) }
      try item(i, &out)
    }
    if pretty { newline(&out, indent) }
    out.append(UInt8(ascii: object ? "}" : "]"))
  }

  /// Writes `"key": ` (`"key":` on one line).
  static func writeKey(_ key: String, to out: inout [UInt8], pretty: Bool) {
    escape(key, into: &out)
    Self.appendASCII(pretty ? ": " : ":", to: &out)
  }

  static func newline(_ out: inout [UInt8], _ indent: Int) {
    out.append(UInt8(ascii: "\n"))
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
  }

  static func escape(_ s: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    // Fast path: nothing to escape (the usual case: names, labels, notes). Check the string's
    // own bytes, then copy them.
    let clean = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
      for byte in bytes where byte < 0x20 || byte == 0x22 || byte == 0x5C { return false }
      out.append(contentsOf: bytes)
      return true
    }
    switch clean {
    case true?:
      out.append(UInt8(ascii: "\""))
      return
    case false?: break
    case nil:
      // Not contiguous UTF-8 (a bridged string): copy the bytes, then check the copy.
      let start = out.count
      out.append(contentsOf: s.utf8)
      if !out[start...].contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
        out.append(UInt8(ascii: "\""))
        return
      }
      out.removeSubrange(start...)
    }
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out.append(contentsOf: "\\\"".utf8)
      case "\\": out.append(contentsOf: "\\\\".utf8)
      case "\n": out.append(contentsOf: "\\n".utf8)
      case "\r": out.append(contentsOf: "\\r".utf8)
      case "\t": out.append(contentsOf: "\\t".utf8)
      case _ where scalar.value < 0x20: out.append(contentsOf: String(format: "\\u%04x", scalar.value).utf8)
      default: out.append(contentsOf: String(scalar).utf8)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}

/// A value that cannot be written as JSON (a non-finite number). Every reported value is finite by
/// construction, so this is FairMem's own failure: exit code 3, never a printed NaN.
public struct JSONOutputError: ClassifiedError, Sendable, Equatable {
  public let problem: String

  public init(problem: String) { self.problem = problem }

  public var failureKind: FailureKind { .internalFailure }
  public var field: String? { "output" }
  public var description: String { "output: \(problem)" }
}
