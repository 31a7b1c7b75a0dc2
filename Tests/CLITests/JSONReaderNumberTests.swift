import FairMemJSON
import Foundation
import Testing
import _TestSupport

/// `JSONReader`'s numbers against independent readings of the same literal: integer literals
/// become the `Int` that Swift's `Int(String)` reads (up to 18 digits straight from the bytes,
/// longer ones through the text), literals beyond the 64-bit range are echoed as written, and
/// fractions are the `Double` Foundation's `JSONSerialization` reads.
@Suite struct JSONReaderNumberTests {
  static func parsed(_ literal: String) throws -> Any {
    let array = try #require(try JSONReader.parse(Array("[\(literal)]".utf8)) as? [Any])
    return try #require(array.first)
  }

  @Test("integer literals: every length and sign, at and beyond the 64-bit range")
  func integers() throws {
    var literals = [
      "0", "-0", "7", "-7", "10", "123456789012345678", "-123456789012345678", "999999999999999999",
      "1234567890123456789", "9223372036854775807", "-9223372036854775808",
    ]
    var rng = TestSeed.generator(default: 0x4A53_0001, "integers")
    for digits in 1...18 {
      for _ in 0..<20 {
        let first = String(Int.random(in: 1...9, using: &rng))
        let rest = (1..<digits).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
        literals.append((Bool.random(using: &rng) ? "-" : "") + first + rest)
      }
    }
    for literal in literals {
      let value = try Self.parsed(literal)
      let expected = try #require(Int(literal), "\(literal) fits in Int")
      #expect(value as? Int == expected, "\(literal) read as \(value)")
    }
    // Beyond Int: echoed exactly as written, with its double value.
    for literal in ["9223372036854775808", "-9223372036854775809", "123456789012345678901234567890"] {
      let value = try #require(try Self.parsed(literal) as? JSONReader.NumberLiteral, "\(literal)")
      #expect(value.text == literal)
      #expect(value.value == Double(literal))
    }
  }

  @Test("fractions and exponents: the doubles Foundation reads")
  func fractions() throws {
    for literal in ["0.5", "-0.25", "1e3", "2.5E-3", "0.1", "123.456e7", "4.9e-324", "1e308"] {
      let value = try Self.parsed(literal)
      let reference = try #require(
        try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [NSNumber]
      ).first?.doubleValue
      let read = (value as? Double) ?? (value as? JSONReader.NumberLiteral)?.value
      #expect(read == reference, "\(literal)")
    }
  }
}
