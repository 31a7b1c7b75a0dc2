import BigInt
import FairMemJSON
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory
import Testing
import _TestSupport

/// Exact mode on counts (rationals) against floating point, and the integer version.
@Suite("Exact mode and integer version on counts")
struct ExactAndIntegerTests {
  static func optionsList(total: Int, classes k: Int, using rng: inout some RandomNumberGenerator) -> [MetricOptions] {
    [MetricOptions(), MetricOptions(favorableClass: Int.random(in: 0..<k, using: &rng), tolerance: 1 / Double(total))]
  }

  static func compare(_ exact: Rational?, _ double: Double?, _ what: String, _ failures: inout [String]) {
    switch (exact, double) {
    case (nil, nil): return
    case (let e?, let d?):
      if abs(e.doubleValue - d) > 1e-12 * max(1, abs(d)) {
        failures.append("\(what): exact \(e) = \(e.doubleValue) vs \(d)")
      }
    default: failures.append("\(what): exact \(String(describing: exact)) vs double \(String(describing: double))")
    }
  }

  @Test("decodeExact + analyze(exactStatistics:) agree with floating point; closed forms exact = double")
  func exactAgreesWithFloatingPoint() throws {
    var rng = TestSeed.generator(default: 0xE8AC_0001)
    let tally = Tally()
    for i in 0..<60 {
      let large = i % 2 == 1
      let g = Int.random(in: 2...3, using: &rng)
      let k = Int.random(in: 2...4, using: &rng)
      let n = randomCounts(groups: g, classes: k, maxCount: large ? 100_000 : 12, using: &rng)
      let total = n.joined().joined().reduce(0, +)
      let decoder = StatisticsDecoder()
      let object = countsObject(n)
      let stats = try decoder.decode(object: object)
      let exact = try decoder.decodeExact(object: object)
      // The exact statistics are the counts' fractions; the doubles are their roundings.
      for a in 0..<g {
        for y in 0..<k {
          let cell = n[a][y].reduce(0, +)
          #expect(exact.population[a][y] == Rational(BigInt(cell), BigInt(total)))
          #expect(abs(exact.population[a][y].doubleValue - stats.population[a][y]) <= 1e-16)
        }
      }
      for metric in FairnessMetric.gapVectors {
        for options in Self.optionsList(total: total, classes: k, using: &rng) {
          var failures: [String] = []
          // Closed forms: the same generic code in Rational and in Double.
          let cfExact = exact.closedForms(for: metric, options: options)
          let cfDouble = stats.closedForms(for: metric, options: options)
          Self.compare(cfExact.lowerBound, cfDouble.lowerBound, "lower bound", &failures)
          Self.compare(cfExact.upperBound, cfDouble.upperBound, "upper bound", &failures)
          Self.compare(cfExact.exactMinimum, cfDouble.exactMinimum, "exact minimum", &failures)
          Self.compare(cfExact.exactMaximum, cfDouble.exactMaximum, "exact maximum", &failures)
          if cfExact.provesInfeasible != cfDouble.provesInfeasible { failures.append("provesInfeasible differs") }

          let answer = try MemorizationAnalysis.analyze(stats, metric: metric, options: options, exactStatistics: exact)
          failures += problems(with: answer, statistics: stats, metric: metric, options: options)
          let key = "\(large ? "large" : "small") \(metric.rawValue)"
          if answer.feasible {
            tally.add(key)
            guard let ex = answer.exact, let minMass = answer.minMass else {
              failures.append("feasible count answer without an exact part")
              continue
            }
            if ex.verified {
              tally.add(key + " verified")
              let m = ex.minMass!
              if abs(m.doubleValue - minMass) > 1e-9 { failures.append("exact min \(m) vs floating \(minMass)") }
              // Independent exact check of the exact witness: every entry by the affine forms
              // (not the mixture rule the library used) within eps, exactly; mass and records.
              let x = ex.witness!
              if fieldSumTest(x.joined()) != m { failures.append("exact witness does not sum to the exact minimum") }
              let eps = Rational(exactly: options.tolerance)
              for entry in exact.allEntries(for: metric, options: options) {
                let v = exact.entryForm(entry).value(at: x)
                if v > eps || v < -eps { failures.append("exact witness leaves \(entry) = \(v)") }
              }
              for a in 0..<g {
                for y in 0..<k where x[a][y] < .zero || x[a][y] > exact.cap[a][y] {
                  failures.append("exact witness outside box")
                }
              }
              if ex.records != Rational(BigInt(total), 1) * m { failures.append("records != N * minMass") }
              // Where a closed form gives the minimum, it is the same rational number.
              if let closed = ex.closedFormMinimum, closed != m {
                failures.append("exact closed form \(closed) != exact LP minimum \(m)")
              }
            } else {
              tally.add("unverified: \(key): " + String(ex.note.prefix(400)))
            }
          } else if let certificate = answer.certificate {
            // Exact mode also checks the certificate in rationals.
            if !((certificate.exactGap ?? .zero) > .zero) {
              failures.append("exact gap \(String(describing: certificate.exactGap))")
            }
          }
          #expect(failures.isEmpty, "counts \(n), \(metric) \(options): \(failures)")
        }
      }
    }
    var lines: [String] = []
    for size in ["small", "large"] {
      for metric in FairnessMetric.gapVectors {
        let key = "\(size) \(metric.rawValue)"
        lines.append(
          "\(key): verified \(tally[key + " verified"])/\(tally[key]) = \(percent(tally[key + " verified"], tally[key]))"
        )
      }
    }
    print("[exact] verification rate among feasible answers:\n  " + lines.joined(separator: "\n  "))
    for (reason, count) in tally.entries(prefix: "unverified") { print("  \(count)x \(reason)") }
    for size in ["small", "large"] {
      let verified = FairnessMetric.gapVectors.reduce(0) { $0 + tally["\(size) \($1.rawValue) verified"] }
      let feasible = FairnessMetric.gapVectors.reduce(0) { $0 + tally["\(size) \($1.rawValue)"] }
      #expect(
        verified * 10 >= feasible * 9,
        "\(size) counts: exact verification should succeed most of the time (\(verified)/\(feasible))")
    }
  }

  static func roundingTolerance(
    _ stats: PopulationStatistics<Double>, metric: FairnessMetric, favorable: Int?, total: Int
  ) -> Double {
    MemorizationAnalysis.roundingTolerance(stats, metric: metric, favorableClass: favorable, records: total)
  }

  @Test("integer version: optimum >= ceil(continuous bound); rounding tolerance and 1/N feasibility")
  func integerVersion() throws {
    var rng = TestSeed.generator(default: 0x1A7_0001)
    let tally = Tally()
    for i in 0..<210 {
      let g = Int.random(in: 2...3, using: &rng)
      let k = Int.random(in: 2...3, using: &rng)
      let n = randomCounts(groups: g, classes: k, maxCount: 15, using: &rng)
      let total = n.joined().joined().reduce(0, +)
      let stats = try StatisticsDecoder().decode(object: countsObject(n))
      let metric = FairnessMetric.gapVectors[i % 3]
      let favorable: Int? = Bool.random(using: &rng) ? Int.random(in: 0..<k, using: &rng) : nil
      var failures: [String] = []
      // (a) tolerance 1/N.
      let oneOverN = MetricOptions(favorableClass: favorable, tolerance: 1 / Double(total))
      let continuous = try MemorizationAnalysis.analyze(stats, metric: metric, options: oneOverN)
      guard let integer = try MemorizationAnalysis.integerMinimum(stats, metric: metric, options: oneOverN) else {
        Issue.record("count statistics must give an integer answer")
        continue
      }
      #expect(integer.populationSize == total)
      if integer.feasible {
        let m = integer.records!
        if !continuous.feasible { failures.append("integer feasible but continuous relaxation infeasible") }
        if integer.totalRecords != m.joined().reduce(0, +) { failures.append("total records") }
        for a in 0..<g {
          for y in 0..<k where m[a][y] < 0 || m[a][y] > n[a][y].reduce(0, +) {
            failures.append("m[\(a)][\(y)] = \(m[a][y]) outside cell")
          }
        }
        let x = m.map { $0.map { Double($0) / Double(total) } }
        let gap = specLargestGap(stats, x, metric: metric, favorable: favorable)
        if gap > oneOverN.tolerance + 1e-8 { failures.append("integer residual \(gap) > 1/N") }
        if abs((integer.residual ?? .nan) - gap) > 1e-12 {
          failures.append("reported residual \(integer.residual as Any) vs \(gap)")
        }
        if let bound = continuous.minMass {
          let lower = (bound * Double(total) - 1e-9).rounded(.up)
          if Double(integer.totalRecords!) < lower {
            failures.append("integer optimum \(integer.totalRecords!) < ceil(continuous \(bound * Double(total)))")
          }
          if abs((integer.continuousLowerBound ?? .nan) - bound * Double(total)) > 1e-6 {
            failures.append("continuousLowerBound")
          }
        }
      }
      tally.add(metric.rawValue)
      if continuous.feasible { tally.add(metric.rawValue + " continuous feasible") }
      if integer.feasible { tally.add(metric.rawValue + " integer feasible") }
      // EOpp and EOdds: memorizing every record zeroes every cell's gap, so the integer problem
      // is always feasible (this needs every record of every cell to be available).
      if metric != .statisticalParity && !integer.feasible {
        failures.append("\(metric) integer problem infeasible at 1/N")
      }
      // (b) rounding tolerance: if the continuous problem at eps = 0 is feasible, rounding its
      // witness to whole records moves each entry by at most tau, so the integer problem with
      // tolerance tau is feasible.
      let exactZero = MetricOptions(favorableClass: favorable)
      let zero = try MemorizationAnalysis.analyze(stats, metric: metric, options: exactZero)
      if zero.feasible {
        let tau = Self.roundingTolerance(stats, metric: metric, favorable: favorable, total: total) * (1 + 1e-9) + 1e-12
        let rounded = try MemorizationAnalysis.integerMinimum(
          stats, metric: metric, options: MetricOptions(favorableClass: favorable, tolerance: tau))
        if rounded?.feasible != true { failures.append("integer problem infeasible at the rounding tolerance \(tau)") }
        tally.add(metric.rawValue + " rounding checked")
      }
      #expect(failures.isEmpty, "counts \(n), \(metric), favorable \(favorable as Any): \(failures)")
    }
    print(
      "[integer] at tolerance 1/N: "
        + FairnessMetric.gapVectors.map {
          "\($0.rawValue) continuous feasible \(tally[$0.rawValue + " continuous feasible"])/\(tally[$0.rawValue]), integer feasible \(tally[$0.rawValue + " integer feasible"]); rounding-tolerance check on \(tally[$0.rawValue + " rounding checked"])"
        }.joined(separator: "; "))
  }

  @Test("integer SP at tolerance 1/N can be infeasible although the continuous problem is feasible")
  func integerStatisticalParityCounterexample() throws {
    // Group 0: 3 records of class 0 all predicted 1, 2 of class 1 predicted 1: P(Yhat=1|A=0) = 1.
    // Group 1: perfect, 10 + 10 records: P(Yhat=1|A=1) = 1/2, and memorization cannot move it.
    // Memorizing m of the 3 mistakes gives P(Yhat=1|A=0) = 1 - m/5 in {1, .8, .6, .4}: never
    // within 1/N = 1/25 of 1/2, while the continuous problem needs m = 2.5 (mass 0.1).
    let n = [[[0, 3], [0, 2]], [[10, 0], [0, 10]]]
    let stats = try StatisticsDecoder().decode(object: countsObject(n))
    let options = MetricOptions(tolerance: 1.0 / 25)
    let continuous = try MemorizationAnalysis.analyze(stats, metric: .statisticalParity, options: MetricOptions())
    #expect(continuous.feasible)
    #expect(abs((continuous.minMass ?? .nan) - 0.1) <= 1e-9)
    let integer = try #require(
      try MemorizationAnalysis.integerMinimum(stats, metric: .statisticalParity, options: options))
    #expect(!integer.feasible)
    // With tolerance 0.1 + margin (the rounding tolerance 5/(2*25) = 0.1), m = 2 or 3 works.
    let loose = try #require(
      try MemorizationAnalysis.integerMinimum(
        stats, metric: .statisticalParity, options: MetricOptions(tolerance: 0.1 + 1e-9)))
    #expect(loose.feasible && loose.totalRecords == 2)
  }

  @Test("integer EOpp keeps every record available: floor(N * n/N) must be n")
  func integerCapRounding() throws {
    // 15 of 22 records: (15.0/22.0) * 22.0 == 14.999999999999998 in double, so a plain floor
    // would make one record of the cell unavailable.
    #expect((15.0 / 22.0) * 22.0 < 15)
    let n = [[[5, 10], [2, 2]], [[1, 0], [1, 1]]]  // N = 22, cell (0, 0) has 15 records
    let stats = try StatisticsDecoder().decode(object: countsObject(n))
    let program = MemorizationProgram(
      statistics: stats, metric: .equalOpportunity, options: MetricOptions(tolerance: 0.01))
    let lp = program.linearProgram(.minimizeMass, recordsTotal: 22)
    #expect(lp.variables[0].bounds.upperValue == 15)
    #expect(lp.variables.map(\.bounds.upperValue) == [15, 4, 1, 2])
  }
}

/// Sum of rationals (test-side, left to right).
func fieldSumTest(_ values: some Sequence<Rational>) -> Rational {
  values.reduce(Rational.zero, +)
}
