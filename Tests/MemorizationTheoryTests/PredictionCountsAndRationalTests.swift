import BigInt
import FairMemJSON
import FairnessStatistics
import Foundation
import MemorizationTheory
import Testing
import _TestSupport

@Suite("PredictionCounts from string records")
struct PredictionCountsTests {
  @Test("counts match a manual tally; names sorted numerically when all are numbers")
  func tally() throws {
    var rng = TestSeed.generator(default: 0x9C_0001)
    let groupPools = [["10", "9", "2", "100"], ["b", "a", "c"], ["1.5", "-3", "20"], ["x10", "x9"]]
    let classPools = [["0", "1"], ["10", "2", "1"], ["no", "yes", "maybe"]]
    for _ in 0..<200 {
      let groupPool = groupPools.randomElement(using: &rng)!
      let classPool = classPools.randomElement(using: &rng)!
      let count = Int.random(in: 5...60, using: &rng)
      var groups = (0..<count).map { _ in groupPool.randomElement(using: &rng)! }
      var labels = (0..<count).map { _ in classPool.randomElement(using: &rng)! }
      var predictions = (0..<count).map { _ in classPool.randomElement(using: &rng)! }
      // At least two groups and two classes occur.
      groups[0] = groupPool[0]
      groups[1] = groupPool[1]
      labels[0] = classPool[0]
      predictions[0] = classPool[1]
      let counts = try PredictionCounts(groupValues: groups, labels: labels, predictions: predictions)
      // Order: numeric when every name parses as a number, otherwise lexicographic.
      let numeric = { (names: Set<String>) -> [String] in
        names.allSatisfy { Double($0) != nil } ? names.sorted { Double($0)! < Double($1)! } : names.sorted()
      }
      #expect(counts.groups == numeric(Set(groups)))
      #expect(counts.classes == numeric(Set(labels).union(predictions)))
      var manual: [String: Int] = [:]
      for i in 0..<count { manual["\(groups[i])|\(labels[i])|\(predictions[i])", default: 0] += 1 }
      for (a, g) in counts.groups.enumerated() {
        for (y, l) in counts.classes.enumerated() {
          for (yh, p) in counts.classes.enumerated() {
            #expect(counts.counts[a][y][yh] == manual["\(g)|\(l)|\(p)", default: 0])
          }
        }
      }
      #expect(counts.counts.joined().joined().reduce(0, +) == count)
      // The statistics JSON of these counts decodes to the same counts.
      let stats = try StatisticsDecoder().decode(object: [
        "groups": counts.groups, "classes": counts.classes, "counts": counts.counts,
      ])
      #expect(stats.counts == counts.counts)
    }
  }

  @Test("numeric order: 2 < 9 < 10 < 100, not lexicographic")
  func numericOrder() {
    #expect(PredictionCounts.sortedNames(["10", "9", "2", "100"]) == ["2", "9", "10", "100"])
    #expect(PredictionCounts.sortedNames(["-1", "0.5", "0"]) == ["-1", "0", "0.5"])
    #expect(PredictionCounts.sortedNames(["10", "9", "a"]) == ["10", "9", "a"])
  }

  @Test("errors: no records, one group, one class, class order missing a value, ragged records")
  func errors() {
    func field(_ build: () throws -> PredictionCounts) -> String? {
      do {
        _ = try build()
        return nil
      } catch let error as StatisticsError {
        return error.field
      } catch {
        return "unexpected \(error)"
      }
    }
    #expect(field { try PredictionCounts(groupValues: [], labels: [], predictions: []) } == "input")
    #expect(
      field { try PredictionCounts(groupValues: ["a", "a"], labels: ["0", "1"], predictions: ["0", "1"]) } == "group")
    #expect(
      field { try PredictionCounts(groupValues: ["a", "b"], labels: ["0", "0"], predictions: ["0", "0"]) } == "label")
    #expect(
      field {
        try PredictionCounts(
          groupValues: ["a", "b"], labels: ["0", "1"], predictions: ["0", "2"], classOrder: ["0", "1"])
      } == "prediction")
    #expect(
      field {
        try PredictionCounts(
          groupValues: ["a", "b"], labels: ["0", "2"], predictions: ["0", "1"], classOrder: ["0", "1"])
      } == "label")
    // Record arrays of different lengths are an input error, not a crash.
    #expect(
      field { try PredictionCounts(groupValues: ["a", "b", "a"], labels: ["0", "1"], predictions: ["0", "1"]) }
        == "input")
    #expect(
      field { try PredictionCounts(groupValues: ["a", "b"], labels: ["0", "1"], predictions: ["0"]) } == "input")
    // A class order with a repeated name is an input error, not a crash.
    #expect(
      field {
        try PredictionCounts(
          groupValues: ["a", "b"], labels: ["0", "1"], predictions: ["0", "1"], classOrder: ["0", "1", "0"])
      } == "classOrder")
  }
}

@Suite("Rational arithmetic")
struct RationalTests {
  static func random(using rng: inout some RandomNumberGenerator) -> Rational {
    let big = Bool.random(using: &rng)
    let n =
      big
      ? BigInt(Int.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng))
        * BigInt(Int.random(in: 1...1_000_000, using: &rng))
      : BigInt(Int.random(in: -50...50, using: &rng))
    let d = BigInt(Int.random(in: 1...(big ? 1_000_000_000_000 : 50), using: &rng))
    return Rational(n, d)
  }

  @Test("field identities, lowest terms, order")
  func identities() {
    var rng = TestSeed.generator(default: 0x4A7_0001)
    for _ in 0..<1000 {
      let a = Self.random(using: &rng)
      let b = Self.random(using: &rng)
      let c = Self.random(using: &rng)
      #expect(a + b - b == a)
      #expect(a + b == b + a && a * b == b * a)
      #expect((a + b) + c == a + (b + c) && (a * b) * c == a * (b * c))
      #expect(a * (b + c) == a * b + a * c)
      #expect(a - a == .zero && -(-a) == a && a + (-a) == .zero)
      if !b.isZero {
        #expect((a * b) / b == a && (a / b) * b == a)
        #expect(b / b == .one)
      }
      for r in [a, b, a * b, a + b] {
        #expect(r.denominator > 0 && r.numerator.greatestCommonDivisor(with: r.denominator) == 1 || r.isZero)
      }
      #expect((a < b) == ((a - b).numerator.signum() < 0))
      #expect((a < b) || (b < a) || (a == b))
      if abs(a.doubleValue - b.doubleValue) > 1e-9 * max(abs(a.doubleValue), 1) {
        #expect((a < b) == (a.doubleValue < b.doubleValue))
      }
    }
    #expect(Rational(6, -4) == Rational(-3, 2))
    #expect(Rational(0, -7) == .zero && Rational(0, -7).denominator == 1)
    #expect(Rational(-3, 2).description == "-3/2" && Rational(4, 2).description == "2")
  }

  @Test("Rational(exactly:) is exact and round-trips every finite double, subnormals and huge ones included")
  func exactDoubles() {
    var rng = TestSeed.generator(default: 0x4A7_0002)
    #expect(Rational(exactly: 0.1) == Rational(BigInt(3_602_879_701_896_397), BigInt(1) << 55))
    #expect(Rational(exactly: -2.5) == Rational(-5, 2))
    #expect(Rational(exactly: 0) == .zero && Rational(exactly: -0.0) == .zero)
    var failures: [String] = []
    var values: [Double] = [
      .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
      1e-300, 1e300, Double.leastNormalMagnitude / 4, 0.3, 1.0 / 3.0,
    ]
    for _ in 0..<1500 {
      let bits = UInt64.random(in: 0...UInt64.max, using: &rng)
      let d = Double(bitPattern: bits)
      if d.isFinite { values.append(d) }
      values.append(Double.random(in: -1...1, using: &rng))
    }
    for d in values {
      let r = Rational(exactly: d)
      if r.doubleValue != d { failures.append("\(d) -> \(r.doubleValue)") }
      // Exactness: the denominator is a power of two and the sign is right.
      let den = r.denominator
      if den & (den - 1) != 0 { failures.append("\(d): denominator \(den) is not a power of 2") }
      if (r < .zero) != (d < 0) { failures.append("\(d): sign") }
    }
    #expect(failures.isEmpty, "\(failures.count) of \(values.count) doubles fail, e.g. \(failures.prefix(5))")
  }

  @Test("approximating() recovers p/q from the double p/q (p, q < 1e6)")
  func approximating() {
    var rng = TestSeed.generator(default: 0x4A7_0003)
    var failures: [String] = []
    for _ in 0..<2000 {
      let p = Int.random(in: -999_999...999_999, using: &rng)
      let q = Int.random(in: 1...999_999, using: &rng)
      let value = Double(p) / Double(q)
      // Distinct fractions with denominators below 1e6 are at least 1e-12 apart, far more than
      // the double's rounding, so the first convergent that reproduces the double is p/q.
      let exact = Rational.approximating(value, tolerance: 0)
      if exact != Rational(p, q) { failures.append("tolerance 0: \(p)/\(q) -> \(String(describing: exact))") }
      let loose = Rational.approximating(value, tolerance: 4 * value.ulp)
      if loose != Rational(p, q) { failures.append("tolerance 4 ulp: \(p)/\(q) -> \(String(describing: loose))") }
    }
    #expect(failures.isEmpty, "\(failures.count) failures, e.g. \(failures.prefix(5))")
    #expect(Rational.approximating(.nan, tolerance: 1) == nil)
    #expect(Rational.approximating(.pi, tolerance: 1e-6) == Rational(355, 113))
    #expect(Rational.approximating(.pi, tolerance: 1e-30, maxDenominator: 1000) == nil)
  }
}
