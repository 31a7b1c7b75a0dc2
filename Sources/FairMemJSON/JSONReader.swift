#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A small, strict JSON reader (RFC 8259) producing Swift values: `[String: Any]`, `[Any]`,
/// `String`, `Double` (or `Int` for integer literals that fit), `Bool`, and `JSONReader.null`.
///
/// It exists because Foundation's `JSONSerialization` on Linux spends most of its time bridging
/// through `NSNumber`/`NSDictionary`, which dominated `fairmem sweep`. Non-standard tokens
/// (`NaN`, `Infinity`, trailing commas, comments), repeated keys in an object are errors; a
/// leading UTF-8 byte-order mark is skipped. A number that neither `Int` nor a finite `Double`
/// holds (`1e999`, `18446744073709551616`) reads as a `NumberLiteral` that keeps its text, so
/// that validation can name the field it appears in and an echoed id is written back verbatim.
public struct JSONReader {
  /// The JSON `null` value.
  public struct Null: Sendable, Equatable {}
  public static let null = Null()

  /// A number literal outside the range of `Int` (integers) or of a finite `Double`, with its
  /// exact text and its nearest double (possibly infinite).
  public struct NumberLiteral: Sendable, Equatable {
    public let text: String
    public let value: Double
  }

  /// Where and why parsing failed: the byte offset and the JSON path of the value being read
  /// (for example `population[1][0]`), so that messages can name the field.
  public struct Failure: Error, CustomStringConvertible {
    public let offset: Int
    public let path: String
    public let reason: String
    public var description: String {
      path.isEmpty ? "\(reason) at byte \(offset)" : "\(path): \(reason) at byte \(offset)"
    }
  }

  private enum PathComponent {
    case key(String)
    case index(Int)
  }

  private let bytes: [UInt8]
  private var index = 0
  /// The containers being read, innermost last (rendered only when reporting a failure).
  private var path: [PathComponent] = []

  private init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// Parses one JSON document (surrounding white space allowed).
  public static func parse(_ bytes: [UInt8]) throws(Failure) -> Any {
    var reader = JSONReader(bytes)
    // A UTF-8 byte-order mark (written by some Windows editors) is not part of the document.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3 }
    reader.skipWhitespace()
    let value = try reader.value(depth: 0)
    reader.skipWhitespace()
    guard reader.index == bytes.count else { throw reader.failure("unexpected text after the JSON value") }
    return value
  }

  private func failure(_ reason: String) -> Failure {
    var rendered = ""
    for component in path {
      switch component {
      case .key(let key): rendered += rendered.isEmpty ? key : ".\(key)"
      case .index(let i): rendered += "[\(i)]"
      }
    }
    return Failure(offset: index, path: rendered, reason: reason)
  }

  private mutating func skipWhitespace() {
    while index < bytes.count,
      bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
    {
      index += 1
    }
  }

  private mutating func value(depth: Int) throws(Failure) -> Any {
    guard depth < 512 else { throw failure("nesting too deep") }
    guard index < bytes.count else { throw failure("unexpected end of input") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try object(depth: depth)
    case UInt8(ascii: "["): return try array(depth: depth)
    case UInt8(ascii: "\""): return try string()
    case UInt8(ascii: "t"): return try literal("true", true)
    case UInt8(ascii: "f"): return try literal("false", false)
    case UInt8(ascii: "n"): return try literal("null", JSONReader.null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
    case UInt8(ascii: "N"), UInt8(ascii: "I"):
      throw failure("non-finite number (NaN/Infinity) is not valid JSON")
    default: throw failure("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
    }
  }

  private mutating func literal(_ word: String, _ result: Any) throws(Failure) -> Any {
    let utf8 = Array(word.utf8)
    guard index + utf8.count <= bytes.count, Array(bytes[index..<(index + utf8.count)]) == utf8 else {
      throw failure("invalid literal")
    }
    index += utf8.count
    return result
  }

  private mutating func object(depth: Int) throws(Failure) -> [String: Any] {
    index += 1
    var result: [String: Any] = [:]
    result.reserveCapacity(8)  // one allocation for the usual statistics object
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return result
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
      let key = try string()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
      index += 1
      skipWhitespace()
      // A repeated name would silently keep the last value (RFC 8259 leaves it undefined).
      guard result[key] == nil else { throw failure("duplicate key \"\(key)\" in an object") }
      path.append(.key(key))
      result[key] = try value(depth: depth + 1)
      path.removeLast()
      skipWhitespace()
      guard index < bytes.count else { throw failure("unterminated object") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      guard bytes[index] == UInt8(ascii: "}") else { throw failure("expected ',' or '}'") }
      index += 1
      return result
    }
  }

  private mutating func array(depth: Int) throws(Failure) -> [Any] {
    index += 1
    var result: [Any] = []
    result.reserveCapacity(8)  // one allocation for the usual short rows
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return result
    }
    while true {
      skipWhitespace()
      path.append(.index(result.count))
      result.append(try value(depth: depth + 1))
      path.removeLast()
      skipWhitespace()
      guard index < bytes.count else { throw failure("unterminated array") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      guard bytes[index] == UInt8(ascii: "]") else { throw failure("expected ',' or ']'") }
      index += 1
      return result
    }
  }

  private mutating func hex4() throws(Failure) -> UInt32 {
    guard index + 4 <= bytes.count else { throw failure("short \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[index]
      let digit: UInt32
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
      default: throw failure("invalid \\u escape")
      }
      value = value * 16 + digit
      index += 1
    }
    return value
  }

  private mutating func string() throws(Failure) -> String {
    index += 1
    let start = index
    // Fast path: no escapes.
    while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
      guard bytes[index] >= 0x20 else { throw failure("control character in string") }
      index += 1
    }
    guard index < bytes.count else { throw failure("unterminated string") }
    if bytes[index] == UInt8(ascii: "\"") {
      // No escapes (keys, names): validate the bytes in place, without copying them first.
      index += 1
      guard let text = String(validating: bytes[start..<(index - 1)], as: UTF8.self) else {
        throw failure("invalid UTF-8 in string")
      }
      return text
    }
    var utf8 = Array(bytes[start..<index])
    while bytes[index] != UInt8(ascii: "\"") {
      // bytes[index] is a backslash.
      index += 1
      guard index < bytes.count else { throw failure("unterminated escape") }
      let c = bytes[index]
      index += 1
      switch c {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(c)
      case UInt8(ascii: "b"): utf8.append(0x08)
      case UInt8(ascii: "f"): utf8.append(0x0C)
      case UInt8(ascii: "n"): utf8.append(0x0A)
      case UInt8(ascii: "r"): utf8.append(0x0D)
      case UInt8(ascii: "t"): utf8.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar) {
          guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
          else {
            throw failure("unpaired surrogate")
          }
          index += 2
          let low = try hex4()
          guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid surrogate pair") }
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid code point") }
        utf8.append(contentsOf: Array(String(Character(unicode)).utf8))
      default: throw failure("invalid escape")
      }
      while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
        guard bytes[index] >= 0x20 else { throw failure("control character in string") }
        utf8.append(bytes[index])
        index += 1
      }
      guard index < bytes.count else { throw failure("unterminated string") }
    }
    index += 1
    guard let text = String(validating: utf8, as: UTF8.self) else { throw failure("invalid UTF-8 in string") }
    return text
  }

  /// The double a validated number literal (with a fraction or exponent) denotes, by the
  /// Eisel-Lemire fast path (`DecimalToDouble`) or else C's `strtod` on a NUL-terminated copy
  /// of its bytes (no `String`), when that is a normal finite
  /// number; nil otherwise (zero, subnormal, out of range, or `strtod` stopping early under a
  /// locale whose decimal point is not "."), and the caller then reads it through `Double(_:)`,
  /// which is `strtod` in the C locale too: both round correctly, so the value is the same.
  private func normalDouble(_ range: Range<Int>) -> Double? {
    if let value = DecimalToDouble.parse(bytes, range) { return value }
    let count = range.count
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer -> Double? in
      guard let base = buffer.baseAddress else { return nil }
      for i in 0..<count { base[i] = CChar(bitPattern: bytes[range.lowerBound + i]) }
      base[count] = 0
      var end: UnsafeMutablePointer<CChar>? = nil
      let value = strtod(base, &end)
      guard end == base + count, value.isNormal else { return nil }
      return value
    }
  }

  private mutating func number() throws(Failure) -> Any {
    let start = index
    var isInteger = true
    if bytes[index] == UInt8(ascii: "-") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "I") {
        throw failure("non-finite number (NaN/Infinity) is not valid JSON")
      }
    }
    func digits(_ reader: inout JSONReader) -> Int {
      let s = reader.index
      while reader.index < reader.bytes.count,
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(reader.bytes[reader.index])
      {
        reader.index += 1
      }
      return reader.index - s
    }
    let integerStart = index
    guard digits(&self) > 0 else { throw failure("invalid number") }
    if bytes[integerStart] == UInt8(ascii: "0"), index - integerStart > 1 { throw failure("leading zero in number") }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      isInteger = false
      index += 1
      guard digits(&self) > 0 else { throw failure("invalid number") }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      isInteger = false
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard digits(&self) > 0 else { throw failure("invalid number") }
    }
    if !isInteger, let value = normalDouble(start..<index) { return value }
    // Integers of up to 18 digits (counts, ids) straight from the digits: no `String`.
    if isInteger, index - integerStart <= 18 {
      var magnitude = 0
      for i in integerStart..<index { magnitude = magnitude * 10 + Int(bytes[i] &- UInt8(ascii: "0")) }
      return integerStart > start ? -magnitude : magnitude
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    if isInteger, let value = Int(text) { return value }
    guard let value = Double(text) else { throw failure("invalid number") }
    if isInteger || !value.isFinite { return NumberLiteral(text: text, value: value) }
    return value
  }
}
