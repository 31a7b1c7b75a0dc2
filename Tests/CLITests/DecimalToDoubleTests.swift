import Foundation
import Testing
import _TestSupport

@testable import FairMemJSON

/// The Eisel-Lemire fast path (`DecimalToDouble`) bit for bit against C's `strtod` (an
/// independent, correctly rounding reader), on seeded random literals and rounding edge cases.
@Suite struct DecimalToDoubleTests {
  /// `strtod` on the literal (C locale digits and "."), as the reader's fallback reads it.
  static func reference(_ literal: String) -> Double { strtod(literal, nil) }

  /// Checks one literal: the fast path either declines or gives strtod's exact bits, and
  /// `JSONReader` returns strtod's bits either way. Returns whether the fast path decided.
  @discardableResult
  static func check(_ literal: String) throws -> Bool {
    let bytes = Array(literal.utf8)
    let expected = reference(literal)
    let fast = DecimalToDouble.parse(bytes, 0..<bytes.count)
    if let fast {
      #expect(fast.bitPattern == expected.bitPattern, "\(literal): fast \(fast) vs strtod \(expected)")
      #expect(expected.isNormal, "\(literal): fast path answered a non-normal \(expected)")
    }
    let array = try #require(try JSONReader.parse(Array("[\(literal)]".utf8)) as? [Any])
    if expected.isNormal, let read = array.first as? Double {
      #expect(read.bitPattern == expected.bitPattern, "\(literal): reader \(read) vs strtod \(expected)")
    }
    return fast != nil
  }

  @Test("shortest round-trip literals of random doubles (all magnitudes)")
  func randomDoubles() throws {
    var rng = TestSeed.generator(default: 0x4454_4401, "randomDoubles")
    var decided = 0
    let trials = 60_000
    for trial in 0..<trials {
      // Random bit patterns cover every exponent; uniform [0, 1) covers the probabilities the
      // CLI reads most.
      let value =
        trial % 2 == 0
        ? Double(bitPattern: UInt64.random(in: 0x0010_0000_0000_0000...0x7FEF_FFFF_FFFF_FFFF, using: &rng))
        : Double.random(in: 0..<1, using: &rng)
      guard value.isNormal else { continue }
      var literal = "\(value)"
      if !literal.contains(".") && !literal.contains("e") { literal += ".0" }
      if try Self.check(literal) { decided += 1 }
      #expect(Self.reference(literal) == value)
    }
    print("randomDoubles: fast path decided \(decided) of \(trials)")
    #expect(decided * 100 >= trials * 95, "the fast path decided only \(decided) of \(trials)")
  }

  @Test("random decimal literals: 1-19 significant digits, exponents across the table")
  func randomDecimals() throws {
    var rng = TestSeed.generator(default: 0x4454_4402, "randomDecimals")
    for _ in 0..<60_000 {
      let digits = Int.random(in: 1...19, using: &rng)
      let first = String(Int.random(in: 1...9, using: &rng))
      let rest = (1..<digits).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
      let exponent = Int.random(in: -345...310, using: &rng)
      let sign = Bool.random(using: &rng) ? "-" : ""
      try Self.check("\(sign)\(first)\(rest.isEmpty ? "" : ".")\(rest)e\(exponent)")
    }
  }

  @Test("rounding edges: halfway cases, the ends of the normal range, leading and trailing zeros")
  func edges() throws {
    var literals = [
      "9007199254740993.0", "9007199254740992.0", "9007199254740994.0", "9007199254740995.0",
      "4503599627370497.5", "2.2250738585072014e-308", "2.2250738585072011e-308", "1.7976931348623157e308",
      "1.7976931348623158e308", "1.7976931348623159e308", "4.9406564584124654e-324", "0.1", "0.2", "0.3",
      "0.30000000000000004", "1e22", "1e23", "8.98846567431158e307", "0.000000000000000000000000001",
      "1.00000000000000000000", "123456789012345678.9", "1234567890123456789.0", "0.0001220703125",
      "7.2057594037927933e16", "1.5e-45", "5e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
      "-0.5", "-1e-300", "1e-342", "1e-343", "1e308", "1e309",
    ]
    // Powers of two and their neighbours, written with 17 digits: the tie-breaking region.
    var value = 1.0
    for _ in 0..<60 {
      literals += [value, value.nextUp, value.nextDown].map { String(format: "%.17g", $0) }
      literals += [value, value.nextUp].map { String(format: "%.16e", ($0 + $0.nextUp) / 2) }
      value *= 1024
    }
    for literal in literals where literal.contains(".") || literal.contains("e") {
      try Self.check(literal)
    }
    // Exact halfway points between adjacent doubles (the fast path must leave them to strtod
    // or round them to even).
    var rng = TestSeed.generator(default: 0x4454_4403, "edges")
    for _ in 0..<5_000 {
      let m = UInt64.random(in: (1 << 52)..<(1 << 53), using: &rng)
      let halfway = Decimal(m) + Decimal(0.5)  // m + 1/2: not a double above 2^53
      try Self.check("\(halfway)")
    }
  }
}
