import FairMemJSON
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory
import Testing
import _TestSupport

/// R5-R7 against LP optima, witnesses re-evaluated by the spec formulas, certificates
/// re-verified by the LP module (see `problems(with:statistics:metric:options:)`).
@Suite("Closed forms R5-R7 vs LP optima, witnesses and certificates")
struct ClosedFormsVersusLPTests {
  /// R6 as the spec states it, generalized by lowering every miss value to the smallest plus
  /// eps: `Σ_y Σ_{a: w_a > min w + eps} p[a][y] (w_a - min w - eps) / w_a`.
  static func leastMassEqualizing(
    _ stats: PopulationStatistics<Double>, _ perClass: [(y: Int, w: [(a: Int, w: Double)])], eps: Double
  ) -> Double {
    var total = 0.0
    for (y, values) in perClass {
      guard let floor = values.map(\.w).min() else { continue }
      for (a, w) in values where w > floor + eps { total += stats.population[a][y] * (w - floor - eps) / w }
    }
    return total
  }

  static func definedGroups(_ stats: PopulationStatistics<Double>, _ y: Int) -> [Int] {
    (0..<stats.groupCount).filter { stats.population[$0][y] > 0 }
  }

  static func missRate(_ stats: PopulationStatistics<Double>, _ a: Int, _ y: Int) -> Double {
    1 - stats.confusion[a][y][y]
  }

  /// The spec's R6 exact minimum for EOpp.
  static func equalOpportunityMinimum(_ stats: PopulationStatistics<Double>, _ options: MetricOptions) -> Double {
    let classes = options.favorableClass.map { [$0] } ?? Array(0..<stats.classCount)
    return leastMassEqualizing(
      stats, classes.map { y in (y, definedGroups(stats, y).map { ($0, missRate(stats, $0, y)) }) },
      eps: options.tolerance)
  }

  /// The spec's R7 exact minimum for EOdds, or nil when no closed form applies (non-proportional
  /// rows with a tolerance). Proportionality is tested on normalized off-diagonal rows.
  static func equalizedOddsMinimum(_ stats: PopulationStatistics<Double>, _ options: MetricOptions) -> Double? {
    let k = stats.classCount
    if let c = options.favorableClass {
      return leastMassEqualizing(
        stats,
        (0..<k).map { y in
          (y, definedGroups(stats, y).map { a in (a, y == c ? missRate(stats, a, c) : stats.confusion[a][y][c]) })
        }, eps: options.tolerance)
    }
    var proportional: [(y: Int, w: [(a: Int, w: Double)])] = []
    var forced = 0.0
    for y in 0..<k {
      let defined = definedGroups(stats, y)
      let moving = defined.filter { missRate(stats, $0, y) > 0 }
      let direction = moving.map { a in
        (0..<k).map { j in j == y ? 0 : stats.confusion[a][y][j] / missRate(stats, a, y) }
      }
      let isProportional = direction.allSatisfy { d in zip(d, direction[0]).allSatisfy { abs($0 - $1) <= 1e-9 } }
      if k == 2 || isProportional {
        proportional.append((y, defined.map { ($0, missRate(stats, $0, y)) }))
      } else {
        guard options.tolerance == 0 else { return nil }
        forced += moving.reduce(0) { $0 + stats.population[$1][y] }
      }
    }
    return forced + leastMassEqualizing(stats, proportional, eps: options.tolerance)
  }

  /// Random options: a tolerance some of the time, a favorable class some of the time.
  static func randomOptions(classes k: Int, using rng: inout some RandomNumberGenerator) -> MetricOptions {
    let favorable: Int? = Bool.random(using: &rng) ? Int.random(in: 0..<k, using: &rng) : nil
    let tolerance = uniform(0, 1, using: &rng) < 0.5 ? 0 : uniform(0, 0.05, using: &rng)
    return MetricOptions(favorableClass: favorable, tolerance: tolerance)
  }

  @Test("R6: EOpp least mass equals the LP minimum (G groups, tolerance, favorable class)")
  func equalOpportunity() throws {
    var rng = TestSeed.generator(default: 0x66_0001)
    var worst = 0.0
    var literal = 0
    for i in 0..<800 {
      let stats = randomStatistics(InstanceShape(zeroCellProbability: 0.05), using: &rng)
      let options = i % 4 == 0 ? MetricOptions() : Self.randomOptions(classes: stats.classCount, using: &rng)
      let answer = try MemorizationAnalysis.analyze(stats, metric: .equalOpportunity, options: options)
      #expect(answer.feasible, "EOpp is always feasible with cap = population")
      let found = problems(with: answer, statistics: stats, metric: .equalOpportunity, options: options)
      #expect(found.isEmpty, "\(found)")
      guard let lo = answer.minMass, let hi = answer.maxMass else { continue }
      let expected = Self.equalOpportunityMinimum(stats, options)
      worst = max(worst, abs(lo - expected))
      #expect(abs(lo - expected) <= Tolerance.linearProgram, "R6 \(expected) vs LP \(lo)")
      #expect(abs(hi - 1) <= Tolerance.linearProgram, "most mass is everything: \(hi)")
      #expect(abs((answer.closedForm.exactMinimum ?? .nan) - expected) <= Tolerance.tight)
      // The spec's two-group wording: Σ_y p[w(y)][y] |EOpp_base(y)| / F[w(y)][y] and its
      // simple bounds Σ p[w(y)][y] |EOpp_base(y)| <= min <= Σ p[w(y)][y].
      if stats.groupCount == 2 && options == MetricOptions() && !stats.population.joined().contains(0) {
        literal += 1
        var formula = 0.0
        var lower = 0.0
        var upper = 0.0
        for y in 0..<stats.classCount {
          let f0 = Self.missRate(stats, 0, y)
          let f1 = Self.missRate(stats, 1, y)
          let worse = f0 >= f1 ? 0 : 1
          let base = abs(stats.confusion[0][y][y] - stats.confusion[1][y][y])
          guard base > 0 else { continue }
          formula += stats.population[worse][y] * base / max(f0, f1)
          lower += stats.population[worse][y] * base
          upper += stats.population[worse][y]
        }
        #expect(abs(formula - lo) <= Tolerance.linearProgram)
        #expect(lower <= lo + Tolerance.linearProgram && lo <= upper + Tolerance.linearProgram)
      }
    }
    print("[R6] worst |closed form - LP| = \(worst); two-group literal formula checked on \(literal) instances")
  }

  /// `C[a][y] = (1 - F_a) e_y + F_a d_y` with a common direction `d_y` per class: the
  /// proportional case of R7.
  static func proportionalStatistics(using rng: inout some RandomNumberGenerator) -> PopulationStatistics<Double> {
    let base = randomStatistics(InstanceShape(classes: 3...5, zeroCellProbability: 0.05), using: &rng)
    let k = base.classCount
    var confusion = base.confusion
    for y in 0..<k {
      var d = randomSimplex(k, using: &rng)
      d[y] = 0
      let t = d.reduce(0, +)
      d = d.map { $0 / t }
      for a in 0..<base.groupCount {
        let f = uniform(0, 1, using: &rng) < 0.1 ? 0 : uniform(0, 0.9, using: &rng)
        confusion[a][y] = (0..<k).map { $0 == y ? 1 - f : f * d[$0] }
      }
    }
    return PopulationStatistics(
      groups: base.groups, classes: base.classes, population: base.population, confusion: confusion)
  }

  @Test("R7: EOdds exact minimum equals the LP minimum (K=2, random K>=3, proportional K>=3)")
  func equalizedOdds() throws {
    var rng = TestSeed.generator(default: 0x77_0001)
    var worst = 0.0
    var compared = [0, 0, 0]
    var forcedClasses = 0
    for i in 0..<900 {
      let kind = i % 3
      let stats: PopulationStatistics<Double>
      switch kind {
      case 0: stats = randomStatistics(InstanceShape(classes: 2...2, zeroCellProbability: 0.05), using: &rng)
      case 1: stats = randomStatistics(InstanceShape(classes: 3...5, zeroCellProbability: 0.05), using: &rng)
      default: stats = Self.proportionalStatistics(using: &rng)
      }
      let options = i % 6 < 3 ? MetricOptions() : Self.randomOptions(classes: stats.classCount, using: &rng)
      let answer = try MemorizationAnalysis.analyze(stats, metric: .equalizedOdds, options: options)
      #expect(answer.feasible, "EOdds is always feasible with cap = population (memorize everything)")
      let found = problems(with: answer, statistics: stats, metric: .equalizedOdds, options: options)
      #expect(found.isEmpty, "\(found)")
      guard let lo = answer.minMass else { continue }
      if let expected = Self.equalizedOddsMinimum(stats, options) {
        compared[kind] += 1
        worst = max(worst, abs(lo - expected))
        #expect(abs(lo - expected) <= Tolerance.linearProgram, "R7 \(expected) vs LP \(lo) (kind \(kind), \(options))")
        #expect(abs((answer.closedForm.exactMinimum ?? .nan) - expected) <= 1e-9, "library closed form vs spec")
      } else {
        #expect(answer.closedForm.exactMinimum == nil)
      }
      if kind == 1 && options.favorableClass == nil {
        forcedClasses += answer.closedForm.assumptions.filter { $0.contains("not proportional") }.count
      }
    }
    print(
      "[R7] worst |closed form - LP| = \(worst); compared K=2: \(compared[0]), random K>=3: \(compared[1]), proportional K>=3: \(compared[2]); non-proportional classes seen: \(forcedClasses)"
    )
    #expect(forcedClasses > 100, "random K>=3 instances should be non-proportional")
  }

  @Test("R5: bounds bracket the SP LP optima in both conventions; infeasible fraction; certificates")
  func statisticalParity() throws {
    var rng = TestSeed.generator(default: 0x55_0001)
    let tally = Tally()
    for i in 0..<1600 {
      let conventionA = i % 2 == 1
      let stats = randomStatistics(InstanceShape(conventionA: conventionA), using: &rng)
      let options = i % 4 < 2 ? MetricOptions() : Self.randomOptions(classes: stats.classCount, using: &rng)
      let answer = try MemorizationAnalysis.analyze(stats, metric: .statisticalParity, options: options)
      let found = problems(with: answer, statistics: stats, metric: .statisticalParity, options: options)
      #expect(found.isEmpty, "\(found)")
      let config =
        "\(conventionA ? "A" : "B") \(options == MetricOptions() ? "exact-zero, all classes" : "tolerance/favorable")"
      tally.add(config)
      tally.add("total")
      if !answer.feasible {
        tally.add(config + " infeasible")
        tally.add("total infeasible")
      }
      if stats.groupCount == 2 && stats.classCount == 2 && options == MetricOptions() {
        tally.add("G=2,K=2")
        if !answer.feasible { tally.add("G=2,K=2 infeasible") }
      }
      if answer.closedForm.provesInfeasible {
        tally.add("closed form proves infeasible")
        #expect(!answer.feasible)
      }
      // The spec's two-group R5, written out, equals the library's bound (same pair).
      if stats.groupCount == 2 && options == MetricOptions() {
        let m = min(stats.groupMass(0), stats.groupMass(1))
        let upper = 1 - m * totalVariation(stats.baseRates(0), stats.baseRates(1))
        var lower: Double
        if let s = stats.unmemorizedPrediction {
          lower = m * totalVariation(s[0], s[1])
        } else {
          let tv = totalVariation(stats.basePrediction(0), stats.basePrediction(1))
          // min_{a,y} p[a] / (1 - C[a][y][y]) over cells that can move.
          var ratio = Double.infinity
          for a in 0..<2 {
            for y in 0..<stats.classCount where Self.missRate(stats, a, y) > 0 {
              ratio = min(ratio, stats.groupMass(a) / Self.missRate(stats, a, y))
            }
          }
          lower = ratio.isFinite ? tv * ratio : (tv > 0 ? .infinity : 0)
        }
        if lower.isFinite {
          #expect(abs((answer.closedForm.lowerBound ?? .nan) - lower) <= 1e-12, "R5 lower \(lower)")
        } else {
          #expect(answer.closedForm.provesInfeasible)
        }
        #expect(abs((answer.closedForm.upperBound ?? .nan) - upper) <= 1e-12, "R5 upper \(upper)")
      }
    }
    var lines: [String] = []
    for config in [
      "B exact-zero, all classes", "A exact-zero, all classes", "B tolerance/favorable", "A tolerance/favorable",
      "G=2,K=2", "total",
    ] {
      lines.append(
        "\(config): \(tally[config + " infeasible"])/\(tally[config]) = \(percent(tally[config + " infeasible"], tally[config])) infeasible"
      )
    }
    print(
      "[R5/SP] infeasible fractions:\n  " + lines.joined(separator: "\n  ")
        + "\n  closed forms alone proved \(tally["closed form proves infeasible"]) infeasible")
    // The spec says "about a third"; our random instances have G up to 4 and K up to 5, which
    // makes SP harder. Require a nontrivial mix so that both branches are exercised.
    #expect(tally["total infeasible"] > tally["total"] / 10 && tally["total infeasible"] < tally["total"] * 9 / 10)
  }

  @Test("witnesses and certificates with random caps below the population, every metric")
  func capsBelowPopulation() throws {
    var rng = TestSeed.generator(default: 0xCA9_0001)
    let tally = Tally()
    for i in 0..<900 {
      let stats = randomStatistics(
        InstanceShape(zeroCellProbability: 0.05, conventionA: i % 2 == 0, capProbability: 1), using: &rng)
      let metric = FairnessMetric.gapVectors[i % 3]
      let options = i % 6 < 3 ? MetricOptions() : Self.randomOptions(classes: stats.classCount, using: &rng)
      let answer = try MemorizationAnalysis.analyze(stats, metric: metric, options: options)
      let found = problems(with: answer, statistics: stats, metric: metric, options: options)
      #expect(found.isEmpty, "\(metric) \(options): \(found)")
      tally.add(metric.rawValue)
      if !answer.feasible { tally.add(metric.rawValue + " infeasible") }
      // With a cap no closed form claims an exact value (the LP answers).
      if !stats.capIsPopulation && metric != .statisticalParity {
        #expect(answer.closedForm.exactMinimum == nil)
      }
    }
    print(
      "[caps] infeasible: "
        + FairnessMetric.gapVectors.map { "\($0.rawValue) \(tally[$0.rawValue + " infeasible"])/\(tally[$0.rawValue])" }
        .joined(separator: ", "))
  }
}
