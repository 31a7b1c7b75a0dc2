import FairMemJSON
import FairnessStatistics
import Foundation
import MemorizationTheory
import SeededRandom
import Testing
import _TestSupport

/// Two fixed count tables, groups M (0) and F (1), classes 0/1, favorable class 1.
///
/// `balanced` (N = 120):
///   M: y=0 -> [yh=0: 30, yh=1: 10], y=1 -> [5, 15]   (60 records)
///   F: y=0 -> [36, 4],              y=1 -> [10, 10]  (60 records)
/// `crossed` is the same except F y=0 -> [26, 14], so F's FPR exceeds M's while its TPR is lower.
enum HandTables {
  static let groups = ["M", "F"]
  static let classes = ["0", "1"]
  static let balanced = [[[30, 10], [5, 15]], [[36, 4], [10, 10]]]
  static let crossed = [[[30, 10], [5, 15]], [[26, 14], [10, 10]]]

  static func statistics(_ n: [[[Int]]]) throws -> PopulationStatistics<Double> {
    try StatisticsDecoder().decode(object: ["groups": groups, "classes": classes, "counts": n])
  }

  static func exact(_ n: [[[Int]]]) throws -> PopulationStatistics<Rational> {
    try StatisticsDecoder().decodeExact(object: ["groups": groups, "classes": classes, "counts": n])
  }
}

@Suite("Seed 001 DP/EO/DEO and seed 004 AD/AOD/EOD on hand examples")
struct SeedMetricsHandTests {
  /// balanced:
  ///   selection M = (10+15)/60 = 25/60, F = (4+10)/60 = 14/60      -> ΔDP = 11/60
  ///   TPR M = 15/20 = 3/4, F = 10/20 = 1/2                          -> |ΔTPR| = 1/4
  ///   FPR M = 10/40 = 1/4, F = 4/40 = 1/10                          -> |ΔFPR| = 3/20
  ///   ΔEO = 1/4 + 3/20 = 2/5, ΔDEO = 1/4
  ///   accuracy M = (30+15)/60 = 3/4, F = (36+10)/60 = 23/30          -> AD = 1/60
  ///   AOD (seed 004) = (1/4 + 3/20)/2 = 1/5, EOD = 1/4
  @Test("balanced table, exact rationals")
  func balancedExact() throws {
    let s = try HandTables.exact(HandTables.balanced)
    let m = s.biasReport(memorized: s.noMemorization).absoluteGapMetrics
    #expect(m.demographicParity == Rational(11, 60))
    #expect(m.equalityOfOdds == Rational(2, 5))
    #expect(m.differenceInEqualOpportunity == Rational(1, 4))
    #expect(m.absoluteAccuracyDifference == Rational(1, 60))
    #expect(m.absoluteAverageOddsDifference == Rational(1, 5))
    #expect(m.absoluteEqualOpportunityDifference == Rational(1, 4))
  }

  /// crossed (F y=0 -> [26, 14]):
  ///   selection M = 25/60, F = (14+10)/60 = 24/60                    -> ΔDP = 1/60
  ///   TPR M = 3/4, F = 1/2 (gap +1/4); FPR M = 1/4, F = 14/40 = 7/20 (gap -1/10)
  ///   ΔEO = 1/4 + 1/10 = 7/20 (sum of absolute gaps), ΔDEO = 1/4
  ///   fairlearn equalized_odds_difference = max(1/4, 1/10) = 1/4
  ///   accuracy M = 3/4, F = (26+10)/60 = 3/5                          -> AD = 3/20
  ///   AOD seed 004 = (1/4 + 1/10)/2 = 7/40, but AIF360 signed = (-1/10 + 1/4)/2 = 3/40
  @Test("crossed gaps: seed forms (absolute) differ from the signed AIF360 forms")
  func crossedGaps() throws {
    let s = try HandTables.statistics(HandTables.crossed)
    let report = s.biasReport(memorized: s.noMemorization)
    let m = report.absoluteGapMetrics
    let tol = 1e-12
    #expect(abs(m.demographicParity - 1.0 / 60) < tol)
    #expect(abs(m.equalityOfOdds! - 7.0 / 20) < tol)
    #expect(abs(m.differenceInEqualOpportunity! - 0.25) < tol)
    #expect(abs(m.absoluteAccuracyDifference - 3.0 / 20) < tol)
    #expect(abs(m.absoluteAverageOddsDifference! - 7.0 / 40) < tol)
    #expect(abs(m.absoluteEqualOpportunityDifference! - 0.25) < tol)
    #expect(abs(report.summary.averageOddsDifference! - 3.0 / 40) < tol)
    #expect(abs(report.summary.equalizedOddsDifference! - 0.25) < tol)
    #expect(abs(report.summary.accuracyDifference - 3.0 / 20) < tol)
  }

  @Test("a group without positives makes EO/DEO/AOD/EOD undefined (nil), DP/AD stay defined")
  func undefined() throws {
    let s = try HandTables.statistics([[[30, 10], [5, 15]], [[36, 4], [0, 0]]])
    let m = s.biasReport(memorized: s.noMemorization).absoluteGapMetrics
    #expect(m.equalityOfOdds == nil)
    #expect(m.differenceInEqualOpportunity == nil)
    #expect(m.absoluteAverageOddsDifference == nil)
    #expect(m.absoluteEqualOpportunityDifference == nil)
    // selection M = 25/60, F = 4/40 = 1/10 -> 19/60
    #expect(abs(m.demographicParity - 19.0 / 60) < 1e-12)
  }

  @Test("three groups: the largest pairwise value")
  func threeGroups() throws {
    // Group C: y=0 -> [20, 20] (FPR 1/2), y=1 -> [0, 20] (TPR 1), selection 40/60 = 2/3.
    let n = HandTables.balanced + [[[20, 20], [0, 20]]]
    let s = try StatisticsDecoder().decode(object: [
      "groups": ["M", "F", "C"], "classes": HandTables.classes, "counts": n,
    ])
    let m = s.biasReport(memorized: s.noMemorization).absoluteGapMetrics
    // DP: max(|25-14|, |25-40|, |14-40|)/60 = 26/60. EO pairs: M-F 2/5, M-C 1/4+1/4 = 1/2,
    // F-C 1/2+2/5 = 9/10. DEO: max(1/4, 1/4, 1/2) = 1/2.
    #expect(abs(m.demographicParity - 26.0 / 60) < 1e-12)
    #expect(abs(m.equalityOfOdds! - 0.9) < 1e-12)
    #expect(abs(m.differenceInEqualOpportunity! - 0.5) < 1e-12)
  }
}

@Suite("Bootstrap intervals from confusion counts")
struct BootstrapIntervalTests {
  static func counts(_ n: [[[Int]]], scale: Int = 1) -> PredictionCounts {
    PredictionCounts(
      groups: HandTables.groups, classes: HandTables.classes, counts: n.map { $0.map { $0.map { $0 * scale } } })
  }

  @Test("point estimates equal the metrics of the observed counts")
  func estimates() throws {
    let b = PopulationStatistics<Double>.bootstrapIntervals(
      counts: Self.counts(HandTables.crossed), replicates: 50, seed: 1)
    #expect(abs(b["seed001_eo"]!.estimate! - 7.0 / 20) < 1e-12)
    #expect(abs(b["seed004_aod"]!.estimate! - 7.0 / 40) < 1e-12)
    #expect(abs(b["average_odds_difference"]!.estimate! - 3.0 / 40) < 1e-12)
    #expect(abs(b["tpr[F]"]!.estimate! - 0.5) < 1e-12)
    #expect(b.intervals.map(\.name) == BootstrapIntervals.metricNames(groups: HandTables.groups))
    #expect(b.records == 120)
    // The instance method on decoded statistics gives the same result.
    let viaStatistics = try HandTables.statistics(HandTables.crossed).bootstrapIntervals(replicates: 50, seed: 1)!
    #expect(viaStatistics.intervals == b.intervals)
  }

  @Test("deterministic under a seed; another seed differs")
  func determinism() {
    let c = Self.counts(HandTables.balanced)
    let a = PopulationStatistics<Double>.bootstrapIntervals(counts: c, replicates: 200, seed: 42)
    let b = PopulationStatistics<Double>.bootstrapIntervals(counts: c, replicates: 200, seed: 42)
    let d = PopulationStatistics<Double>.bootstrapIntervals(counts: c, replicates: 200, seed: 43)
    #expect(a.intervals == b.intervals)
    #expect(a.intervals != d.intervals)
  }

  /// N = 12,000 (balanced × 100). Selection rate of M is 5/12 on 6,000 expected records, so its
  /// standard error is about sqrt((5/12)(7/12)/6000) = 0.00636; the bootstrap mean of every metric
  /// must be within 0.004 (about 20 standard errors of a 400-replicate mean) of the estimate and the
  /// bootstrap SE within 15% of the binomial value.
  @Test("bootstrap mean is close to the point estimate on large N; SE matches the binomial SE")
  func meanNearEstimate() {
    let b = PopulationStatistics<Double>.bootstrapIntervals(
      counts: Self.counts(HandTables.balanced, scale: 100), replicates: 400, seed: TestSeed.value(default: 7))
    for interval in b.intervals {
      let estimate = try! #require(interval.estimate)
      #expect(abs(interval.bootstrapMean! - estimate) < 0.004, "\(interval.name)")
      #expect(interval.lower! <= estimate && estimate <= interval.upper!, "\(interval.name)")
      #expect(interval.notEstimableFraction == 0)
    }
    let se = b["selection_rate[M]"]!.standardError!
    let binomial = ((5.0 / 12) * (7.0 / 12) / 6000).squareRoot()
    #expect(abs(se / binomial - 1) < 0.15, "se \(se) vs \(binomial)")
  }

  /// Interval widths scale as 1/sqrt(N): 16x the records should give a quarter of the width.
  @Test("intervals shrink like 1/sqrt(N)")
  func shrinkage() {
    let seed = TestSeed.value(default: 11)
    let small = PopulationStatistics<Double>.bootstrapIntervals(
      counts: Self.counts(HandTables.balanced, scale: 4), replicates: 400, seed: seed)
    let large = PopulationStatistics<Double>.bootstrapIntervals(
      counts: Self.counts(HandTables.balanced, scale: 64), replicates: 400, seed: seed)
    for name in [
      "selection_rate[M]", "tpr[F]", "demographic_parity_difference", "seed001_eo", "seed001_deo", "overall_accuracy",
    ] {
      let ratio = small[name]!.width! / large[name]!.width!
      #expect(ratio > 3.2 && ratio < 5.0, "\(name): width ratio \(ratio), expected about 4")
      let seRatio = small[name]!.standardError! / large[name]!.standardError!
      #expect(seRatio > 3.2 && seRatio < 5.0, "\(name): SE ratio \(seRatio)")
    }
  }

  /// 200 simulated samples of N = 400 records from a known law (the balanced table's cell
  /// frequencies), 200 replicates each; the 95% percentile interval must cover the true value in
  /// 90%-99% of them.
  @Test("95% coverage on a simulated population is within [0.90, 0.99]")
  func coverage() throws {
    let truthStatistics = try HandTables.statistics(HandTables.balanced)
    let truthReport = truthStatistics.biasReport(memorized: truthStatistics.noMemorization)
    let truth: [String: Double] = [
      "selection_rate[M]": 25.0 / 60, "demographic_parity_difference": 11.0 / 60,
      "seed001_eo": 0.4, "seed001_deo": 0.25, "overall_accuracy": truthReport.summary.overallAccuracy,
    ]
    let population = MultinomialCountSampler(counts: HandTables.balanced)
    var rng = TestSeed.generator(default: 2024)
    let simulations = 200
    var covered: [String: Int] = [:]
    for s in 0..<simulations {
      let sample = population.sample(size: 400, using: &rng)
      let b = PopulationStatistics<Double>.bootstrapIntervals(
        counts: PredictionCounts(groups: HandTables.groups, classes: HandTables.classes, counts: sample),
        replicates: 200, confidence: 0.95, seed: UInt64(s) &* 0x9E37_79B9)
      for (name, value) in truth where b[name]!.contains(value) { covered[name, default: 0] += 1 }
    }
    for name in truth.keys {
      let rate = Double(covered[name, default: 0]) / Double(simulations)
      print("[coverage] \(name): \(rate)")
      #expect(rate >= 0.90 && rate <= 0.99, "\(name): coverage \(rate)")
    }
  }

  @Test("undefined metrics are reported as not estimable, never as 0")
  func notEstimable() {
    // F has a single positive record among N = 101: a replicate has no F positive with
    // probability (1 - 1/101)^101 ≈ 0.364, so tpr[F] and every TPR-based gap are not estimable
    // in about that fraction of replicates (binomial SE over 2,000 replicates ≈ 0.011).
    let n = [[[30, 10], [5, 15]], [[40, 0], [0, 1]]]
    let b = PopulationStatistics<Double>.bootstrapIntervals(counts: Self.counts(n), replicates: 2000, seed: 5)
    let expected: Double = exp(101 * log(1.0 - 1.0 / 101))
    for name in [
      "tpr[F]", "seed001_eo", "seed001_deo", "seed004_eod", "equalized_odds_difference", "equal_opportunity_difference",
    ] {
      let interval = b[name]!
      #expect(abs(interval.notEstimableFraction - expected) < 0.05, "\(name): \(interval.notEstimableFraction)")
      #expect(interval.estimableReplicates == 2000 - Int((interval.notEstimableFraction * 2000).rounded()))
    }
    #expect(b["selection_rate[F]"]!.notEstimableFraction == 0)
    #expect(b["demographic_parity_difference"]!.notEstimableFraction == 0)
    // Undefined on the observed data: no F positive at all -> no estimate, no interval.
    let none = PopulationStatistics<Double>.bootstrapIntervals(
      counts: Self.counts([[[30, 10], [5, 15]], [[40, 2], [0, 0]]]), replicates: 100, seed: 5)
    let tpr = none["tpr[F]"]!
    #expect(tpr.estimate == nil && tpr.lower == nil && tpr.upper == nil && tpr.standardError == nil)
    #expect(tpr.estimableReplicates == 0 && tpr.notEstimableFraction == 1)
    #expect(!tpr.contains(0))
  }

  @Test("a group absent from a replicate makes its rates and all gaps not estimable")
  func emptyGroup() {
    // F has one record among N = 61: absent from a replicate with probability (60/61)^61 ≈ 0.366.
    let n = [[[30, 10], [5, 15]], [[1, 0], [0, 0]]]
    let b = PopulationStatistics<Double>.bootstrapIntervals(counts: Self.counts(n), replicates: 2000, seed: 9)
    let expected: Double = exp(61 * log(60.0 / 61))
    for name in [
      "selection_rate[F]", "accuracy[F]", "demographic_parity_difference", "seed001_dp", "worst_group_accuracy",
      "seed004_ad",
    ] {
      #expect(abs(b[name]!.notEstimableFraction - expected) < 0.05, "\(name)")
    }
    #expect(b["selection_rate[M]"]!.notEstimableFraction == 0)
    #expect(b["overall_accuracy"]!.notEstimableFraction == 0)
  }

  @Test("the count sampler reproduces cell frequencies")
  func sampler() {
    let sampler = MultinomialCountSampler(counts: HandTables.balanced)
    var rng = SplitMix64(seed: 3)
    let draw = sampler.sample(size: 120_000, using: &rng)
    #expect(draw.joined().joined().reduce(0, +) == 120_000)
    for (a, group) in HandTables.balanced.enumerated() {
      for (y, row) in group.enumerated() {
        for (yh, count) in row.enumerated() {
          // Expected count*1000; SD <= sqrt(36000) ≈ 190; allow 5 SD.
          #expect(abs(draw[a][y][yh] - count * 1000) < 950)
        }
      }
    }
  }
}
