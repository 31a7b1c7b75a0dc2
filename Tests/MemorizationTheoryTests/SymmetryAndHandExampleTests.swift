import FairMemJSON
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory
import Testing
import _TestSupport

@Suite("Group symmetry and a hand-computed example")
struct SymmetryAndHandExampleTests {
  /// Statistics with groups relabelled: new group `sigma[a]` is old group `a`.
  static func permuted(_ stats: PopulationStatistics<Double>, _ sigma: [Int]) -> PopulationStatistics<Double> {
    func apply<V>(_ values: [V]) -> [V] {
      var out = values
      for (a, v) in values.enumerated() { out[sigma[a]] = v }
      return out
    }
    return PopulationStatistics(
      groups: apply(stats.groups), classes: stats.classes, population: apply(stats.population),
      confusion: apply(stats.confusion), unmemorizedPrediction: stats.unmemorizedPrediction.map { apply($0) },
      cap: apply(stats.cap))
  }

  @Test("swapping two groups negates every entry; permuting groups permutes entries; LP optima invariant")
  func permutations() throws {
    var rng = TestSeed.generator(default: 0x5A_0001)
    var checked = 0
    for i in 0..<600 {
      let stats = randomStatistics(
        InstanceShape(zeroCellProbability: 0.05, conventionA: i % 2 == 0, capProbability: 0.3), using: &rng)
      let x = randomMemorization(stats, using: &rng)
      let g = stats.groupCount
      let sigma = i % 3 == 0 ? Array((0..<g).reversed()) : Array(0..<g).shuffled(using: &rng)
      let other = Self.permuted(stats, sigma)
      var y = x
      for a in 0..<g { y[sigma[a]] = x[a] }
      let before = stats.biasReport(memorized: x)
      let after = other.biasReport(memorized: y)
      var failures: [String] = []
      for metric in FairnessMetric.gapVectors {
        var lookup: [MetricEntry: Double] = [:]
        for item in after.entries[metric]! { lookup[item.entry] = item.value }
        #expect(lookup.count == before.entries[metric]!.count)
        for item in before.entries[metric]! {
          var e = item.entry
          let (a, b) = (sigma[e.first], sigma[e.second])
          let sign: Double = a < b ? 1 : -1
          (e.first, e.second) = (min(a, b), max(a, b))
          guard let value = lookup[e] else {
            failures.append("\(item.label) has no counterpart")
            continue
          }
          checked += 1
          if abs(value - sign * item.value) > 1e-15 {
            failures.append("\(item.label): \(item.value) vs \(value) (sign \(sign))")
          }
        }
        // Largest gaps (and so LP feasibility and optima) do not depend on group order.
        if abs(before.largestGap(metric) - after.largestGap(metric)) > 1e-15 {
          failures.append("\(metric) largest gap")
        }
      }
      if i % 6 == 0 {
        for metric in FairnessMetric.gapVectors {
          let one = try MemorizationAnalysis.analyze(
            stats, metric: metric, options: MetricOptions(), certificate: false)
          let two = try MemorizationAnalysis.analyze(
            other, metric: metric, options: MetricOptions(), certificate: false)
          if one.feasible != two.feasible { failures.append("\(metric) feasibility depends on group order") }
          if let m1 = one.minMass, let m2 = two.minMass, abs(m1 - m2) > Tolerance.linearProgram {
            failures.append("\(metric) min mass \(m1) vs \(m2)")
          }
        }
      }
      #expect(failures.isEmpty, "sigma \(sigma): \(failures)")
    }
    print("[symmetry] \(checked) entries checked")
  }

  /// The README example, worked by hand:
  ///
  /// female: p = (0.30, 0.10) (mass 0.40); C = [[0.9, 0.1], [0.4, 0.6]]
  /// male:   p = (0.35, 0.25) (mass 0.60); C = [[0.8, 0.2], [0.2, 0.8]]
  static let example = """
    {"groups": ["female", "male"], "classes": ["<=50K", ">50K"],
     "population": [[0.30, 0.10], [0.35, 0.25]],
     "confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]]}
    """

  @Test("scalar summaries, entries, R5/R6 and the SP certificate of the example, by hand")
  func handExample() throws {
    let stats = try StatisticsDecoder().decode(Data(Self.example.utf8))
    let report = stats.biasReport(memorized: stats.noMemorization)
    let s = report.summary
    func near(_ a: Double?, _ b: Double, _ what: String) {
      #expect(a.map { abs($0 - b) <= 1e-12 } ?? false, "\(what): \(String(describing: a)) vs \(b)")
    }
    #expect(s.favorableClass == 1)
    // Selection rates P(Yhat=>50K | A): female (0.30*0.1 + 0.10*0.6)/0.40 = 0.09/0.40 = 0.225;
    // male (0.35*0.2 + 0.25*0.8)/0.60 = 0.27/0.60 = 0.45.
    near(s.selectionRates[0], 0.225, "female selection")
    near(s.selectionRates[1], 0.45, "male selection")
    near(s.demographicParityDifference, 0.225, "DPD = 0.45 - 0.225")
    // TPR = C[a][1][1]: 0.6 and 0.8. FPR = C[a][0][1]: 0.1 and 0.2.
    near(s.truePositiveRates[0], 0.6, "TPR female")
    near(s.truePositiveRates[1], 0.8, "TPR male")
    near(s.falsePositiveRates[0], 0.1, "FPR female")
    near(s.falsePositiveRates[1], 0.2, "FPR male")
    near(s.equalOpportunityDifference, -0.2, "EOD = 0.6 - 0.8")
    near(s.equalizedOddsDifference, 0.2, "EOdds difference = max(0.2, 0.1)")
    near(s.averageOddsDifference, -0.15, "AOD = ((0.1-0.2) + (0.6-0.8))/2")
    // Accuracy: female (0.30*0.9 + 0.10*0.6)/0.40 = 0.33/0.40 = 0.825; male (0.28 + 0.20)/0.60 = 0.8.
    near(s.accuracies[0], 0.825, "accuracy female")
    near(s.accuracies[1], 0.8, "accuracy male")
    near(s.accuracyDifference, 0.025, "AD")
    near(s.worstGroupAccuracy, 0.8, "worst group")
    near(s.overallAccuracy, 0.81, "overall = 0.33 + 0.48")
    // Entries (female - male).
    let sp = report.entries[.statisticalParity]!.map(\.value)
    near(sp[0], 0.775 - 0.55, "sp <=50K")
    near(sp[1], 0.225 - 0.45, "sp >50K")
    let eopp = report.entries[.equalOpportunity]!.map(\.value)
    near(eopp[0], 0.9 - 0.8, "eopp <=50K")
    near(eopp[1], 0.6 - 0.8, "eopp >50K")
    let eodds = report.entries[.equalizedOdds]!.map(\.value)
    for (value, expected) in zip(eodds, [0.1, -0.1, 0.2, -0.2]) { near(value, expected, "eodds") }
    #expect(
      report.entries[.equalizedOdds]!.map(\.label) == [
        "eodds[female-male][y=<=50K,yh=<=50K]", "eodds[female-male][y=<=50K,yh=>50K]",
        "eodds[female-male][y=>50K,yh=<=50K]", "eodds[female-male][y=>50K,yh=>50K]",
      ])
    // R6: class <=50K: F = 0.1 (female), 0.2 (male): memorize male, 0.35 * (0.2-0.1)/0.2 = 0.175;
    // class >50K: F = 0.4 (female), 0.2 (male): memorize female, 0.10 * (0.4-0.2)/0.4 = 0.05.
    let eoppAnswer = try MemorizationAnalysis.analyze(stats, metric: .equalOpportunity, options: MetricOptions())
    near(eoppAnswer.minMass, 0.225, "EOpp least mass")
    near(eoppAnswer.closedForm.exactMinimum, 0.225, "R6")
    // With the favorable class only: 0.05.
    let favorable = try MemorizationAnalysis.analyze(
      stats, metric: .equalOpportunity, options: MetricOptions(favorableClass: 1))
    near(favorable.minMass, 0.05, "EOpp favorable least mass")
    // SP: R5 (convention B) lower = TV(b_f, b_m) / max F/p = 0.225 / (0.4/0.4) = 0.225;
    // upper = 1 - min(0.4, 0.6) * TV((0.75, 0.25), (0.5833.., 0.4166..)) = 1 - 0.4/6 = 0.9333...
    let spAnswer = try MemorizationAnalysis.analyze(stats, metric: .statisticalParity, options: MetricOptions())
    near(spAnswer.closedForm.lowerBound, 0.225, "R5 lower")
    near(spAnswer.closedForm.upperBound, 1 - 0.4 / 6, "R5 upper")
    // Infeasible: P(Yhat=>50K|female) = 0.225 - 0.25 x_f0 + x_f1 reaches at most 0.225 + 0.1 = 0.325;
    // P(Yhat=>50K|male) = 0.45 + (x_m1 - x_m0)/3 is at least 0.45 - 0.35/3 = 0.3333...
    // The two SP rows say the same thing (the <=50K entry is minus the >50K one), so multipliers
    // y on them act as (y1 - y0) times the >50K row: gap |y1 - y0| (1/3 - 0.325) = |y1 - y0| / 120
    // (the elastic LP's certificate takes both rows with weight 1, 1/60; GLPK's dual ray one, 1/120).
    #expect(!spAnswer.feasible)
    let y = try #require(spAnswer.certificate?.multipliers)
    #expect(y.count == 2 && abs(y[1] - y[0]) >= 0.5)
    near(spAnswer.certificate?.gap, abs(y[1] - y[0]) / 120, "Farkas gap")
    #expect(spAnswer.certificate?.verified == true)
    let found = problems(with: spAnswer, statistics: stats, metric: .statisticalParity, options: MetricOptions())
    #expect(found.isEmpty, "\(found)")
    // Uniform memorization of half of everything: EOpp halves; SP moves half-way to the
    // base-rate gap 0.75 - 0.5833.. = 1/6.
    let half = stats.biasReport(memorized: stats.uniformMemorization(0.5))
    near(half.entries[.equalOpportunity]![1].value, -0.1, "EOpp >50K at pD = 1/2")
    near(half.entries[.statisticalParity]![0].value, 0.5 * 0.225 + 0.5 / 6, "SP <=50K at pD = 1/2")
  }

  @Test("the smoke example: every metric's answer passes every independent check")
  func smokeExample() throws {
    let stats = try StatisticsDecoder().decode(Data(Self.example.utf8))
    for metric in FairnessMetric.gapVectors {
      let answer = try MemorizationAnalysis.analyze(stats, metric: metric, options: MetricOptions())
      let found = problems(with: answer, statistics: stats, metric: metric, options: MetricOptions())
      #expect(found.isEmpty, "\(metric): \(found)")
    }
  }
}
