import FairMemJSON
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory
import SeededRandom
import Testing
import _TestSupport

/// Statistics from counts, as the CLI decodes them (`unmemorized`: convention A's `s`).
private func countStatistics(_ n: [[[Int]]], unmemorized: [[Double]]? = nil) throws -> PopulationStatistics<Double> {
  let groups = n.indices.map { "g\($0)" }
  let classes = n[0].indices.map { "c\($0)" }
  var object: [String: Any] = ["groups": groups, "classes": classes, "counts": n]
  if let unmemorized { object["unmemorized_prediction"] = unmemorized }
  return try StatisticsDecoder().decode(object: object)
}

/// `P(X >= k)` for X ~ Binomial(n, p), summed term by term in logs (independent of the beta
/// function route).
private func binomialUpperTail(_ k: Int, _ n: Int, _ p: Double) -> Double {
  (k...n).reduce(0.0) { sum, j in
    let logTerm =
      logFactorial(n) - logFactorial(j) - logFactorial(n - j) + Double(j) * log(p) + Double(n - j) * log1p(-p)
    return sum + exp(logTerm)
  }
}

@Suite("Clopper-Pearson intervals")
struct ClopperPearsonTests {
  /// Reference values: scipy.stats.beta.ppf (also checked live in Tests/python/test_robust.py).
  @Test("known values")
  func knownValues() {
    let half = ProportionInterval(successes: 5, trials: 10, alpha: 0.05)
    #expect(abs(half.lower - 0.187_086_028_447_398_55) < 1e-12 && abs(half.upper - 0.812_913_971_552_601_5) < 1e-12)
    let none = ProportionInterval(successes: 0, trials: 10, alpha: 0.05)
    #expect(none.lower == 0 && abs(none.upper - 0.308_497_107_818_760_7) < 1e-12)
    let all = ProportionInterval(successes: 10, trials: 10, alpha: 0.05)
    #expect(all.upper == 1 && abs(all.lower - 0.691_502_892_181_239_2) < 1e-12)
  }

  /// Each end solves its one-sided binomial test exactly: `P(X >= k | lower) = alpha/2` and
  /// `P(X <= k | upper) = alpha/2`, the tails summed from the probability function.
  @Test("ends solve the binomial tail equations")
  func tailEquations() {
    var rng = TestSeed.generator(default: 101)
    for _ in 0..<60 {
      let n = Int.random(in: 1...3000, using: &rng)
      let k = Int.random(in: 0...n, using: &rng)
      let alpha = [0.05, 0.01, 0.001, 1e-4].randomElement(using: &rng) ?? 0.05
      let interval = ProportionInterval(successes: k, trials: n, alpha: alpha)
      if k > 0 {
        let tail = binomialUpperTail(k, n, interval.lower)
        #expect(abs(tail - alpha / 2) < 1e-9 * max(1, alpha), "lower k=\(k) n=\(n) tail \(tail)")
      }
      if k < n {
        let tail = 1 - binomialUpperTail(k + 1, n, interval.upper)
        #expect(abs(tail - alpha / 2) < 1e-9, "upper k=\(k) n=\(n) tail \(tail)")
      }
      #expect(interval.lower <= Double(k) / Double(n) && Double(k) / Double(n) <= interval.upper)
    }
  }
}

/// The Beta quantile as it was computed before the bracketed start: bisection on `[0, 1]` of
/// the public `IncompleteBeta.regularized` (kept here as the reference).
private func plainBisectionQuantile(_ q: Double, a: Double, b: Double) -> Double {
  if q == 0 { return 0 }
  if q == 1 { return 1 }
  var lo = 0.0
  var hi = 1.0
  for _ in 0..<1100 {
    let mid = 0.5 * (lo + hi)
    guard mid > lo && mid < hi else { break }
    if IncompleteBeta.regularized(mid, a: a, b: b) < q { lo = mid } else { hi = mid }
  }
  return 0.5 * (lo + hi)
}

@Suite("Beta quantile: bracketed start vs plain bisection")
struct BetaQuantileTests {
  /// Both Clopper-Pearson ends of seeded random (k, n, alpha), with k = 0, k = n, n up to 10^6
  /// and alpha down to 1e-12: the bracketed bisection gives the plain bisection's doubles (at
  /// most 4 ulps apart, where the CDF's rounding could make the two bisections part ways).
  @Test("equal to the plain bisection on seeded random (k, n, alpha)")
  func matchesPlainBisection() {
    var rng = TestSeed.generator(default: 0x00B3_7A11)
    var identical = 0
    var compared = 0
    for i in 0..<400 {
      let n = [1, 2, 10, 1_000, 100_000, 1_000_000][i % 6] * Int.random(in: 1...9, using: &rng) / 9 + 1
      let k: Int
      switch i % 5 {
      case 0: k = 0
      case 1: k = n
      case 2: k = Int.random(in: 0...min(n, 3), using: &rng)
      default: k = Int.random(in: 0...n, using: &rng)
      }
      let alpha = [0.05, 1e-3, 1e-6, 1e-9, 1e-12][Int.random(in: 0...4, using: &rng)]
      var ends: [(q: Double, a: Double, b: Double)] = []
      if k > 0 { ends.append((alpha / 2, Double(k), Double(n - k + 1))) }
      if k < n { ends.append((1 - alpha / 2, Double(k + 1), Double(n - k))) }
      for end in ends {
        let fast = IncompleteBeta.quantile(end.q, a: end.a, b: end.b)
        let plain = plainBisectionQuantile(end.q, a: end.a, b: end.b)
        compared += 1
        if fast == plain { identical += 1 }
        #expect(abs(fast - plain) <= 4 * plain.ulp, "k=\(k) n=\(n) alpha=\(alpha): \(fast) vs \(plain)")
      }
    }
    print("[beta quantile] \(identical) of \(compared) ends identical to the plain bisection")
    #expect(identical == compared)
  }
}

@Suite("Samplers: binomial, multinomial, gamma")
struct SamplerTests {
  /// Chi-square goodness of fit of 20,000 binomial draws against the exact probability function,
  /// in both branches (inversion and BTRS); the statistic of a correct sampler stays far below
  /// the 0.999 quantile of its chi-square law (about 2 df + 30 for these df).
  @Test("binomial draws follow the binomial law")
  func binomialLaw() {
    var rng = TestSeed.generator(default: 202)
    for (n, p) in [(40, 0.1), (1000, 0.3), (50_000, 0.02), (200, 0.85)] {
      let draws = 20_000
      var histogram: [Int: Int] = [:]
      for _ in 0..<draws { histogram[rng.nextBinomial(trials: n, probability: p), default: 0] += 1 }
      // Bins with expected count >= 5; the rest pooled into the tails.
      let pmf = (0...n).map { j in
        exp(logFactorial(n) - logFactorial(j) - logFactorial(n - j) + Double(j) * log(p) + Double(n - j) * log1p(-p))
      }
      var chi = 0.0
      var df = -1
      var pooledExpected = 0.0
      var pooledObserved = 0
      for j in 0...n {
        let expected = pmf[j] * Double(draws)
        if expected >= 5 {
          let observed = Double(histogram[j, default: 0])
          chi += (observed - expected) * (observed - expected) / expected
          df += 1
        } else {
          pooledExpected += expected
          pooledObserved += histogram[j, default: 0]
        }
      }
      if pooledExpected > 0 {
        chi += (Double(pooledObserved) - pooledExpected) * (Double(pooledObserved) - pooledExpected) / pooledExpected
        df += 1
      }
      #expect(chi < 2 * Double(df) + 30, "n=\(n) p=\(p): chi2 \(chi) on \(df) df")
    }
  }

  @Test("multinomial draws keep the total and the cell means")
  func multinomial() {
    var rng = TestSeed.generator(default: 203)
    let weights = [30, 0, 10, 5, 15, 36, 4, 10, 10]
    let total = weights.reduce(0, +)
    var sums = [Double](repeating: 0, count: weights.count)
    for _ in 0..<4000 {
      let draw = rng.nextMultinomial(trials: 45_000, weights: weights)
      #expect(draw.reduce(0, +) == 45_000)
      #expect(draw[1] == 0)
      for i in draw.indices { sums[i] += Double(draw[i]) }
    }
    for i in weights.indices where weights[i] > 0 {
      let p = Double(weights[i]) / Double(total)
      let mean = sums[i] / 4000
      let standardError = (45_000 * p * (1 - p) / 4000).squareRoot()
      #expect(abs(mean - 45_000 * p) < 5 * standardError, "cell \(i)")
    }
  }

  @Test("gamma draws have mean and variance equal to the shape")
  func gamma() {
    var rng = TestSeed.generator(default: 204)
    for shape in [0.5, 1.0, 3.7, 250.0] {
      let draws = (0..<40_000).map { _ in rng.nextGamma(shape: shape) }
      let mean = draws.reduce(0, +) / Double(draws.count)
      let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count - 1)
      #expect(abs(mean - shape) < 5 * (shape / 40_000).squareRoot(), "shape \(shape) mean \(mean)")
      #expect(abs(variance / shape - 1) < 0.06, "shape \(shape) variance \(variance)")
    }
  }
}

@Suite("Robust verdicts and mass intervals")
struct RobustAnalysisTests {
  static let adultLike = [[[900, 100], [120, 280]], [[1600, 60], [150, 190]]]

  /// Brute force over a grid of the region: corners and midpoints of every used interval (base
  /// rates for SP, confusion rates), populations kept only when they lie in the region. At every
  /// grid point the point analysis must agree with the verdict, and its least mass must lie in the
  /// mass interval.
  @Test("robust programs vs brute force over a grid of the region", arguments: [0, 1, 2])
  func gridAgreement(case index: Int) throws {
    var rng = TestSeed.generator(default: 300 + UInt64(index))
    var checked = 0
    for _ in 0..<6 {
      let n = (0..<2).map { _ in
        (0..<2).map { _ in (0..<2).map { _ in Int.random(in: 3...40, using: &rng) } }
      }
      let statistics = try countStatistics(n)
      for metric in FairnessMetric.gapVectors {
        let options = MetricOptions(favorableClass: 1, tolerance: [0.05, 0.1, 0.2][index])
        let answer = try RobustAnalysis.analyze(statistics, metric: metric, options: options, level: 0.9, settle: false)
        if let interval = answer.minMassInterval { #expect(interval.lowerWitness.verified) }
        checked += try checkAgainstGrid(answer, statistics: statistics, counts: n, metric: metric, options: options)
      }
    }
    #expect(checked > 100)
  }

  /// Solves the point analysis at every grid population of the answer's region (in the
  /// statistics' convention) and checks the certain verdict, the mass interval and, for SP, that
  /// the robust witness itself reaches the target there (mixture rule). Returns the number of
  /// grid populations.
  private func checkAgainstGrid(
    _ answer: RobustAnswer, statistics: PopulationStatistics<Double>, counts n: [[[Int]]], metric: FairnessMetric,
    options: MetricOptions
  ) throws -> Int {
    let label = "\(n) \(metric) s=\(String(describing: statistics.unmemorizedPrediction))"
    var checked = 0
    for point in gridPoints(answer.region, counts: n) {
      let truth = PopulationStatistics<Double>(
        groups: statistics.groups, classes: statistics.classes, population: point.population,
        confusion: point.confusion, unmemorizedPrediction: statistics.unmemorizedPrediction)
      let exact = try MemorizationAnalysis.analyze(truth, metric: metric, options: options, certificate: false)
      checked += 1
      switch answer.verdict {
      case .certainlyFeasible: #expect(exact.feasible, "\(label)")
      case .certainlyInfeasible: #expect(!exact.feasible, "\(label)")
      case .undetermined: break
      }
      if exact.feasible, let mass = exact.minMass, let interval = answer.minMassInterval {
        #expect(interval.lower <= mass + 1e-7, "\(label): lower \(interval.lower) > \(mass)")
        if let upper = interval.upper { #expect(mass <= upper + 1e-7, "\(label): upper \(upper) < \(mass)") }
      }
      if metric == .statisticalParity, answer.verdict == .certainlyFeasible, let witness = answer.robustWitness {
        let memorized = (0..<2).map { a in (0..<2).map { y in witness.memorizedFraction[a][y] * point.population[a][y] }
        }
        // Two classes: the SP entries of both classes have the same size.
        let gap = abs(truth.biasReport(memorized: memorized).largestGap(.statisticalParity))
        #expect(gap <= options.tolerance + 1e-7, "\(label): witness gap \(gap)")
      }
    }
    return checked
  }

  /// Grid points in the region for two groups and two classes: each group's base rate of class 1
  /// and both confusion rows at {lower, middle, upper}, group shares at the point estimate.
  private func gridPoints(_ region: ConfidenceRegion, counts n: [[[Int]]]) -> [(
    population: [[Double]], confusion: [[[Double]]]
  )] {
    let total = Double(n.joined().joined().reduce(0, +))
    let shares = n.map { Double($0.joined().reduce(0, +)) / total }
    func levels(_ interval: ProportionInterval?, fallback: Double) -> [Double] {
      guard let interval else { return [fallback] }
      return [interval.lower, (interval.lower + interval.upper) / 2, interval.upper]
    }
    var points: [(population: [[Double]], confusion: [[[Double]]])] = []
    let estimate = n.map { $0.map { row in Double(row[1]) / Double(max(1, row.reduce(0, +))) } }
    let baseEstimate = n.map { Double($0[1].reduce(0, +)) / Double($0.joined().reduce(0, +)) }
    for pi0 in levels(region.baseRate?[0][1], fallback: baseEstimate[0]) {
      for pi1 in levels(region.baseRate?[1][1], fallback: baseEstimate[1]) {
        for c00 in levels(region.confusion[0][0][1], fallback: estimate[0][0]) {
          for c01 in levels(region.confusion[0][1][1], fallback: estimate[0][1]) {
            for c10 in levels(region.confusion[1][0][1], fallback: estimate[1][0]) {
              for c11 in levels(region.confusion[1][1][1], fallback: estimate[1][1]) {
                let population = [
                  [shares[0] * (1 - pi0), shares[0] * pi0], [shares[1] * (1 - pi1), shares[1] * pi1],
                ]
                let confusion = [
                  [[1 - c00, c00], [1 - c01, c01]], [[1 - c10, c10], [1 - c11, c11]],
                ]
                guard population.joined().allSatisfy({ $0 > 0 }),
                  region.contains(population: population, confusion: confusion)
                else { continue }
                points.append((population, confusion))
              }
            }
          }
        }
      }
    }
    return points
  }

  /// Coverage by simulation. Known populations are put *on the edge* of feasibility: the
  /// tolerance is the least largest |entry| any memorization reaches (the frontier at budget 1),
  /// so the truth is feasible and about half of all samples have an infeasible point estimate.
  /// A "certainly infeasible" verdict is then wrong, and must occur at most at rate
  /// alpha = 0.1 plus three Monte Carlo standard errors; the same bound applies to the least-mass
  /// interval missing the true least mass, and the region's own coverage must reach 0.9 minus the
  /// slack. (The point estimate would be wrong on about half the samples.)
  @Test("wrong certain verdicts at most at the stated rate (simulation)")
  func coverage() throws {
    let seed = TestSeed.value(default: 404)
    var rng = SplitMix64(seed: seed)
    let populations: [[[[Double]]]] = [
      // Cell probabilities P(A=a, Y=y, Yhat=yh).
      // Near-perfect in both groups with base rates 1/2 and 3/10: zero SP is impossible, the
      // tolerance sits on the least reachable gap.
      [[[0.2375, 0.0125], [0.0125, 0.2375]], [[0.3325, 0.0175], [0.0075, 0.1425]]],
      [[[0.30, 0.02], [0.03, 0.15]], [[0.12, 0.08], [0.02, 0.28]]],
    ]
    for (index, cells) in populations.enumerated() {
      for metric in FairnessMetric.gapVectors {
        try simulateCoverage(
          cells: cells, unmemorized: nil, metric: metric, margin: [1e-9, 0.03][index], samples: 120, level: 0.9,
          label: "seed \(seed) population \(index)", using: &rng)
      }
    }
  }

  /// Draws `samples` samples of 3,000 records from the known population `cells`
  /// (`P(A=a, Y=y, Yhat=yh)`, two groups and classes; `unmemorized`: convention A's law) with the
  /// tolerance at the edge (the least reachable largest |entry| plus `margin`, favorable class 1:
  /// a negative margin makes the truth infeasible) and checks that wrong certain verdicts
  /// (`certainly_infeasible` for a feasible truth, `certainly_feasible` for an infeasible one),
  /// mass intervals missing the true least mass and regions missing the truth occur at most at
  /// rate `1 - level` plus three Monte Carlo standard errors.
  private func simulateCoverage(
    cells: [[[Double]]], unmemorized: [[Double]]?, metric: FairnessMetric, margin: Double, samples: Int,
    level: Double, label: String, using rng: inout SplitMix64
  ) throws {
    let slack = 3 * (level * (1 - level) / Double(samples)).squareRoot()
    let population = cells.map { $0.map { $0.reduce(0, +) } }
    let confusion = cells.enumerated().map { a, rows in
      rows.enumerated().map { y, row in row.map { $0 / population[a][y] } }
    }
    let truth = PopulationStatistics<Double>(
      groups: ["g0", "g1"], classes: ["c0", "c1"], population: population, confusion: confusion,
      unmemorizedPrediction: unmemorized)
    let edge = try #require(
      try MemorizationAnalysis.frontier(truth, metric: metric, favorableClass: 1, budgets: [1]).first)
    let options = MetricOptions(favorableClass: 1, tolerance: max(edge.bias, 0) + margin)
    let trueAnswer = try MemorizationAnalysis.analyze(truth, metric: metric, options: options)
    #expect(trueAnswer.feasible == (margin > 0))
    let trueMass = trueAnswer.minMass
    let weights = cells.joined().joined().map { Int(($0 * 1_000_000).rounded()) }
    var wrong = 0
    var missed = 0
    var covered = 0
    var pointWrong = 0
    for _ in 0..<samples {
      let flat = rng.nextMultinomial(trials: 3000, weights: weights)
      let n: [[[Int]]] = [[[flat[0], flat[1]], [flat[2], flat[3]]], [[flat[4], flat[5]], [flat[6], flat[7]]]]
      let statistics = try countStatistics(n, unmemorized: unmemorized)
      let answer = try RobustAnalysis.analyze(statistics, metric: metric, options: options, level: level, settle: false)
      if answer.region.contains(population: population, confusion: confusion) { covered += 1 }
      if answer.verdict == (trueAnswer.feasible ? .certainlyInfeasible : .certainlyFeasible) { wrong += 1 }
      if let trueMass {
        if let interval = answer.minMassInterval {
          if interval.lower > trueMass + 1e-7 || (interval.upper.map { trueMass > $0 + 1e-7 } ?? false) { missed += 1 }
        } else {
          missed += 1
        }
      }
      let point = try MemorizationAnalysis.analyze(statistics, metric: metric, options: options, certificate: false)
      if point.feasible != trueAnswer.feasible { pointWrong += 1 }
    }
    print(
      "[coverage] \(label) \(metric) convention \(truth.convention.rawValue) tolerance \(options.tolerance): wrong verdicts \(wrong), mass interval missed \(missed), region covered \(covered) of \(samples); point estimate wrong \(pointWrong)"
    )
    #expect(Double(wrong) / Double(samples) <= 1 - level + slack)
    #expect(Double(missed) / Double(samples) <= 1 - level + slack)
    #expect(Double(covered) / Double(samples) >= level - slack)
  }

  @Test("equal opportunity is certainly feasible; its mass interval brackets the point estimate")
  func equalOpportunity() throws {
    let statistics = try countStatistics(Self.adultLike)
    let options = MetricOptions(favorableClass: 1)
    let answer = try RobustAnalysis.analyze(statistics, metric: .equalOpportunity, options: options, level: 0.95)
    let point = try MemorizationAnalysis.analyze(statistics, metric: .equalOpportunity, options: options)
    #expect(answer.verdict == .certainlyFeasible)
    let interval = try #require(answer.minMassInterval)
    let upper = try #require(interval.upper)
    let mass = try #require(point.minMass)
    #expect(interval.lower <= mass && mass <= upper)
    #expect(interval.upperSource == "closed_form_supremum")
    #expect(upper < 0.5)
  }

  /// A point estimate with zero SP impossible at this tolerance, but only 30 records per group:
  /// undetermined, and scaling the counts settles it as infeasible.
  @Test("point-impossible SP is undetermined on small samples and settles when scaled")
  func settling() throws {
    let n = [[[10, 2], [3, 15]], [[16, 1], [6, 7]]]
    let statistics = try countStatistics(n)
    let options = MetricOptions(favorableClass: 1, tolerance: 0.02)
    let point = try MemorizationAnalysis.analyze(statistics, metric: .statisticalParity, options: options)
    let answer = try RobustAnalysis.analyze(statistics, metric: .statisticalParity, options: options, level: 0.95)
    print(
      "[settling] point feasible \(point.feasible), verdict \(answer.verdict), settling \(String(describing: answer.settling))"
    )
    #expect(!point.feasible)
    #expect(answer.verdict == .undetermined)
    let settling = try #require(answer.settling)
    #expect(settling.verdict == .certainlyInfeasible)
    let scaled = n.map { $0.map { $0.map { Int((Double($0) * settling.scale).rounded()) } } }
    let atScale = try RobustAnalysis.analyze(
      try countStatistics(scaled), metric: .statisticalParity, options: options, level: 0.95, settle: false)
    #expect(atScale.verdict == .certainlyInfeasible)
    #expect(atScale.certificate?.verified == true)
  }

  /// Convention A (a stated unmemorized law `s`): the same brute force over the region's grid
  /// (base rates at their ends and midpoints; SP uses no confusion rate in convention A), every
  /// grid population solved by the point analysis in convention A.
  @Test("convention A: robust SP vs brute force over a grid of the region", arguments: [0, 1, 2])
  func gridAgreementConventionA(case index: Int) throws {
    var rng = TestSeed.generator(default: 310 + UInt64(index))
    var checked = 0
    var verdicts: [RobustVerdict: Int] = [:]
    for _ in 0..<8 {
      let n = (0..<2).map { _ in
        (0..<2).map { _ in (0..<2).map { _ in Int.random(in: 3...60, using: &rng) } }
      }
      let s = (0..<2).map { _ -> [Double] in
        let first = Double.random(in: 0.2...0.8, using: &rng)
        return [first, 1 - first]
      }
      let statistics = try countStatistics(n, unmemorized: s)
      let options = MetricOptions(favorableClass: [1, 1, nil][index], tolerance: [0.02, 0.1, 0.15][index])
      let answer = try RobustAnalysis.analyze(
        statistics, metric: .statisticalParity, options: options, level: 0.9, settle: false)
      verdicts[answer.verdict, default: 0] += 1
      #expect(answer.region.confusion.joined().joined().allSatisfy { $0 == nil })
      if let interval = answer.minMassInterval { #expect(interval.lowerWitness.verified, "\(n) \(s)") }
      if let witness = answer.robustWitness, answer.verdict == .certainlyFeasible { #expect(witness.verified) }
      if answer.verdict == .certainlyInfeasible { #expect(answer.certificate?.verified == true) }
      checked += try checkAgainstGrid(
        answer, statistics: statistics, counts: n, metric: .statisticalParity, options: options)
    }
    print("[conventionA grid] case \(index): verdicts \(verdicts), \(checked) grid populations")
    #expect(checked > 40)
  }

  /// Coverage by simulation in convention A: known populations with a stated unmemorized law
  /// far enough apart that zero SP is impossible, the tolerance on the edge (the least reachable
  /// largest |SP entry|, plus a margin), so the truth is feasible and "certainly infeasible" is
  /// wrong; it must occur at most at rate 1 - level plus three Monte
  /// Carlo standard errors, like a least-mass interval that misses the true least mass.
  @Test("convention A: wrong certain SP verdicts at most at the stated rate (simulation)")
  func coverageConventionA() throws {
    let seed = TestSeed.value(default: 414)
    var rng = SplitMix64(seed: seed)
    let cases: [(cells: [[[Double]]], s: [[Double]], margin: Double)] = [
      (
        [[[0.2375, 0.0125], [0.0125, 0.2375]], [[0.3325, 0.0175], [0.0075, 0.1425]]], [[0.1, 0.9], [0.9, 0.1]], 1e-9
      ),
      ([[[0.30, 0.02], [0.03, 0.15]], [[0.12, 0.08], [0.02, 0.28]]], [[0.9, 0.1], [0.05, 0.95]], 0.02),
      // Just below the edge: the truth is infeasible, so "certainly feasible" would be wrong.
      (
        [[[0.2375, 0.0125], [0.0125, 0.2375]], [[0.3325, 0.0175], [0.0075, 0.1425]]], [[0.1, 0.9], [0.9, 0.1]], -0.005
      ),
    ]
    for (index, item) in cases.enumerated() {
      try simulateCoverage(
        cells: item.cells, unmemorized: item.s, metric: .statisticalParity, margin: item.margin, samples: 150,
        level: 0.9, label: "seed \(seed) population \(index)", using: &rng)
    }
  }

  /// Convention A at a tolerance the base rates cannot break: equal stated laws need no
  /// memorization at all (certainly feasible, upper end 0), and a point-impossible target with
  /// few records is undetermined and settles when the counts are scaled.
  @Test("convention A: equal laws are certainly feasible; small samples settle when scaled")
  func conventionAVerdicts() throws {
    let n = [[[10, 2], [3, 15]], [[16, 1], [6, 7]]]
    let equal = try countStatistics(n, unmemorized: [[0.6, 0.4], [0.6, 0.4]])
    let free = try RobustAnalysis.analyze(equal, metric: .statisticalParity, options: MetricOptions(), level: 0.95)
    #expect(free.verdict == .certainlyFeasible)
    #expect(free.minMassInterval?.upper.map { abs($0) < 1e-9 } == true)
    let apart = try countStatistics(n, unmemorized: [[0.9, 0.1], [0.2, 0.8]])
    let options = MetricOptions(favorableClass: 1, tolerance: 0.02)
    let point = try MemorizationAnalysis.analyze(apart, metric: .statisticalParity, options: options)
    let answer = try RobustAnalysis.analyze(apart, metric: .statisticalParity, options: options, level: 0.95)
    print(
      "[conventionA] point feasible \(point.feasible), verdict \(answer.verdict), settling \(String(describing: answer.settling))"
    )
    if answer.verdict == .undetermined {
      let settling = try #require(answer.settling)
      let scaled = n.map { $0.map { $0.map { Int((Double($0) * settling.scale).rounded()) } } }
      let atScale = try RobustAnalysis.analyze(
        try countStatistics(scaled, unmemorized: [[0.9, 0.1], [0.2, 0.8]]), metric: .statisticalParity,
        options: options, level: 0.95, settle: false)
      #expect(atScale.verdict == settling.verdict)
      #expect(atScale.verdict != .undetermined)
    }
    // The report says which convention answered.
    let report = try RobustAnalysis.report(
      apart, metric: .statisticalParity, options: options, level: 0.95, method: .box)
    #expect(report.convention == .givenUnmemorized)
  }

  @Test("bad input: no counts, zero cells an EOpp entry needs, level outside (0, 1)")
  func badInput() throws {
    let probabilities = try StatisticsDecoder().decode(object: [
      "groups": ["a", "b"], "classes": ["0", "1"], "population": [[0.25, 0.25], [0.25, 0.25]],
      "confusion": [[[1, 0], [0, 1]], [[1, 0], [0, 1]]],
    ])
    #expect(throws: StatisticsError.self) {
      try RobustAnalysis.analyze(probabilities, metric: .equalOpportunity, options: MetricOptions(), level: 0.95)
    }
    let empty = try countStatistics([[[5, 5], [0, 0]], [[5, 5], [3, 3]]])
    do {
      _ = try RobustAnalysis.analyze(empty, metric: .equalOpportunity, options: MetricOptions(), level: 0.95)
      Issue.record("expected an error")
    } catch let error as StatisticsError {
      #expect(error.field == "counts[0][1]")
    }
    // SP handles the empty cell with the interval [0, 1].
    _ = try RobustAnalysis.analyze(empty, metric: .statisticalParity, options: MetricOptions(), level: 0.95)
    #expect(throws: StatisticsError.self) {
      try RobustAnalysis.analyze(empty, metric: .statisticalParity, options: MetricOptions(), level: 1)
    }
  }
}

@Suite("Bayesian posterior draws")
struct BayesianFeasibilityTests {
  @Test("parallel draws equal the same draws solved one by one")
  func parallelEqualsSequential() throws {
    let seed = TestSeed.value(default: 505)
    let statistics = try countStatistics([[[40, 10], [8, 30]], [[50, 5], [12, 20]]])
    for metric in FairnessMetric.gapVectors {
      let options = MetricOptions(favorableClass: 1, tolerance: 0.03)
      let answer = try BayesianFeasibility.analyze(
        statistics, metric: metric, options: options, draws: 120, seed: seed, threads: 2, quantiles: [0.5])
      var rng = SplitMix64(seed: seed)
      var feasible = 0
      for i in 0..<120 {
        let single = try BayesianFeasibility.solveDraw(
          counts: statistics.counts ?? [], groups: statistics.groups, classes: statistics.classes, metric: metric,
          options: options, drawSeed: rng.next())
        #expect(single == answer.minMasses[i])
        if single != nil { feasible += 1 }
      }
      #expect(answer.feasibleDraws == feasible)
      #expect(answer.probabilityFeasible == Double(feasible) / 120)
    }
  }

  @Test("convention A: parallel draws equal the same draws solved one by one, s kept as given")
  func parallelEqualsSequentialConventionA() throws {
    let seed = TestSeed.value(default: 507)
    let s = [[0.7, 0.3], [0.45, 0.55]]
    let statistics = try countStatistics([[[40, 10], [8, 30]], [[50, 5], [12, 20]]], unmemorized: s)
    let options = MetricOptions(favorableClass: 1, tolerance: 0.03)
    let answer = try BayesianFeasibility.analyze(
      statistics, metric: .statisticalParity, options: options, draws: 80, seed: seed, threads: 2, quantiles: [0.5])
    var rng = SplitMix64(seed: seed)
    for i in 0..<80 {
      let drawSeed = rng.next()
      let single = try BayesianFeasibility.solveDraw(
        counts: statistics.counts ?? [], groups: statistics.groups, classes: statistics.classes, unmemorized: s,
        metric: .statisticalParity, options: options, drawSeed: drawSeed)
      #expect(single == answer.minMasses[i])
      var drawRng = SplitMix64(seed: drawSeed)
      let drawn = BayesianFeasibility.draw(
        counts: statistics.counts ?? [], groups: statistics.groups, classes: statistics.classes, unmemorized: s,
        using: &drawRng)
      #expect(drawn.unmemorizedPrediction == s)
    }
    print("[bayes A] seed \(seed): P(feasible) \(answer.probabilityFeasible)")
  }

  /// Posterior means of the Dirichlet draws equal `(n + 1/2) / (N + cells/2)`.
  @Test("posterior draws have the conjugate means")
  func posteriorMeans() {
    var rng = TestSeed.generator(default: 506)
    let n = [[[40, 10], [8, 30]], [[50, 5], [12, 20]]]
    var sum = [[0.0, 0.0], [0.0, 0.0]]
    let draws = 4000
    for _ in 0..<draws {
      let s = BayesianFeasibility.draw(counts: n, groups: ["a", "b"], classes: ["0", "1"], using: &rng)
      for a in 0..<2 { for y in 0..<2 { sum[a][y] += s.population[a][y] } }
    }
    let total = Double(n.joined().joined().reduce(0, +)) + 2
    for a in 0..<2 {
      for y in 0..<2 {
        let expected = (Double(n[a][y].reduce(0, +)) + 0.5) / total
        #expect(abs(sum[a][y] / Double(draws) - expected) < 0.002, "cell \(a),\(y)")
      }
    }
  }
}
