import FairMemJSON
import FairnessStatistics
import LinearProgramming
import MemorizationTheory
import Testing
import _TestSupport

/// The routes that keep large instances (G = 50 groups, K = 30 classes) cheap, each against the
/// plain route it replaces, on seeded random instances small enough for both.
@Suite("Large-instance routes vs the plain routes")
struct LargeInstanceRouteTests {
  @Test("explanations: rate forms built once per group give entryForm's forms for every pair (Double and Rational)")
  func explanationsMatchEntryForms() throws {
    var rng = TestSeed.generator(default: 0x1A26_0001)
    var entries = 0
    for i in 0..<40 {
      let g = Int.random(in: 2...6, using: &rng)
      let k = Int.random(in: 2...4, using: &rng)
      let n = randomCounts(groups: g, classes: k, maxCount: 12, zeroProbability: 0.1, using: &rng)
      let floating = try StatisticsDecoder().decode(object: countsObject(n))
      let exact = try StatisticsDecoder().decodeExact(object: countsObject(n))
      let favorable: Int? = i % 3 == 0 ? Int.random(in: 0..<k, using: &rng) : nil
      let options = MetricOptions(favorableClass: favorable)
      func check<T: FieldScalar>(_ stats: PopulationStatistics<T>) {
        let reference = FairnessMetric.gapVectors.flatMap { metric in
          stats.allEntries(for: metric, options: options).map { (metric, $0) }
        }
        let fast = stats.explanations(metrics: FairnessMetric.gapVectors, options: options)
        #expect(fast.count == reference.count, "instance \(i)")
        for (explanation, (metric, entry)) in zip(fast, reference) {
          let form = stats.entryForm(entry)
          #expect(explanation.metric == metric)
          #expect(explanation.label == entry.label(groups: stats.groups, classes: stats.classes))
          #expect(explanation.form.constant == form.constant, "instance \(i) \(explanation.label)")
          #expect(explanation.form.terms == form.terms, "instance \(i) \(explanation.label)")
        }
        entries += reference.count
      }
      check(floating)
      check(exact)
    }
    print("[explain] \(entries) entries compared")
  }

  @Test("a JSON array written element by element has the bytes of the whole array (pretty and compact, 0 to n)")
  func streamedJSONArrayMatchesWholeArray() throws {
    let n = [[[3, 1], [2, 5]], [[4, 4], [1, 6]], [[2, 2], [3, 3]]]
    let stats = try StatisticsDecoder().decodeExact(object: countsObject(n))
    let reports = stats.explanations(metrics: FairnessMetric.gapVectors, options: MetricOptions()).map {
      EntryExplanationReport($0, groups: stats.groups, classes: stats.classes)
    }
    for pretty in [true, false] {
      let encoder = JSONReportEncoder(pretty: pretty)
      for count in [0, 1, 2, reports.count] {
        let prefix = Array(reports.prefix(count))
        let streamed =
          try prefix.enumerated().map { try encoder.arrayElementText($0.element, index: $0.offset) }.joined()
          + encoder.arrayEndText(count: count)
        #expect(streamed == (try encoder.text(prefix)), "pretty \(pretty), \(count) elements")
      }
    }
  }

  @Test("frontier: warm-started budget sequence gives the cold per-budget optimum")
  func frontierWarmStartMatchesColdSolves() throws {
    var rng = TestSeed.generator(default: 0x1A26_0002)
    var worst = 0.0
    for i in 0..<60 {
      let stats = randomStatistics(
        InstanceShape(groups: 2...7, zeroCellProbability: 0.05, conventionA: i % 2 == 1, capProbability: 0.3),
        using: &rng)
      let metric = FairnessMetric.gapVectors[i % 3]
      let favorable: Int? = i % 4 == 3 ? Int.random(in: 0..<stats.classCount, using: &rng) : nil
      let budgets = MemorizationAnalysis.evenlySpacedBudgets(upTo: stats.totalCap, count: 7)
      let points = try MemorizationAnalysis.frontier(
        stats, metric: metric, favorableClass: favorable, budgets: budgets, warmStart: true)
      for (point, budget) in zip(points, budgets) {
        let cold = try #require(
          try solve(
            MemorizationProgram.frontierProgram(
              statistics: stats, metric: metric, favorableClass: favorable, budget: budget),
            options: SimplexOptions(wantsCertificate: false)
          ).solution)
        worst = max(worst, abs(cold.objective - point.bias))
        #expect(abs(cold.objective - point.bias) <= 1e-9, "instance \(i) \(metric) budget \(budget)")
      }
    }
    print("[frontier] largest |warm - cold| = \(worst)")
  }

  @Test(
    "integer node limit by program size: full limit up to 2,000 coefficients, then the work budget, never below the floor"
  )
  func integerNodeLimitBySize() {
    let full = MemorizationAnalysis.integerNodeLimit
    #expect(MemorizationAnalysis.integerNodeLimit(nonzeros: 0) == full)
    #expect(MemorizationAnalysis.integerNodeLimit(nonzeros: 2_000) == full)
    #expect(MemorizationAnalysis.integerNodeLimit(nonzeros: 4_000) == 1_000)
    // G = 50, K = 30: SP bands (1,500 rows of 31 coefficients), EOdds bands (45,000 rows of 2).
    #expect(MemorizationAnalysis.integerNodeLimit(nonzeros: 46_500) == 86)
    #expect(MemorizationAnalysis.integerNodeLimit(nonzeros: 90_000) == 44)
    #expect(MemorizationAnalysis.integerNodeLimit(nonzeros: 10_000_000) == MemorizationAnalysis.integerMinimumNodes)
    var previous = Int.max
    for nonzeros in stride(from: 1, through: 1_000_000, by: 997) {
      let limit = MemorizationAnalysis.integerNodeLimit(nonzeros: nonzeros)
      #expect(limit <= previous, "nonincreasing in the size (\(nonzeros))")
      #expect(
        limit * nonzeros <= MemorizationAnalysis.integerWorkBudget || limit == MemorizationAnalysis.integerMinimumNodes
          || limit == full)
      previous = limit
    }
  }

  @Test("integer version of large EOpp/EOdds programs, block by block: the least records of the whole program")
  func integerBlocksMatchWholeProgram() throws {
    var rng = TestSeed.generator(default: 0x1A26_0004)
    var byBlocks = 0
    for i in 0..<6 {
      // Above 2,000 coefficients: EOdds has K² rates per group, EOpp K.
      let metric: FairnessMetric = i % 2 == 0 ? .equalizedOdds : .equalOpportunity
      let g = metric == .equalizedOdds ? Int.random(in: 18...24, using: &rng) : Int.random(in: 110...130, using: &rng)
      let k = Int.random(in: 9...10, using: &rng)
      let n = randomCounts(groups: g, classes: k, maxCount: 30, using: &rng)
      let stats = try StatisticsDecoder().decode(object: countsObject(n))
      let total = n.joined().joined().reduce(0, +)
      let options = MetricOptions(
        tolerance: MemorizationAnalysis.roundingTolerance(stats, metric: metric, favorableClass: nil, records: total))
      let program = MemorizationProgram(statistics: stats, metric: metric, options: options)
      let lp = program.linearProgram(.minimizeMass, recordsTotal: total)
      if MemorizationAnalysis.isLargeIntegerProgram(nonzeros: lp.coefficientCount) { byBlocks += 1 }
      let answer = try #require(try MemorizationAnalysis.integerMinimum(stats, metric: metric, options: options))
      guard case .optimal(let whole) = try solveInteger(lp, nodeLimit: 1_000_000) else {
        Issue.record("instance \(i): the whole program has no proven optimum")
        continue
      }
      #expect(answer.stoppedAtNodes == nil, "instance \(i)")
      #expect(answer.totalRecords == Int(whole.objective.rounded()), "instance \(i) (\(metric), G=\(g), K=\(k))")
      let residual = try #require(answer.residual)
      #expect(residual <= options.tolerance + 1e-8, "instance \(i)")
    }
    #expect(byBlocks == 6, "these programs are above the size where blocks are used")
  }

  @Test("integer version with a node limit: a stopped search reports an R0-checked point between the bounds")
  func integerNodeLimit() throws {
    var rng = TestSeed.generator(default: 0x1A26_0003)
    var stopped = 0
    var found = 0
    for i in 0..<30 {
      let g = Int.random(in: 3...5, using: &rng)
      let k = Int.random(in: 2...4, using: &rng)
      let n = randomCounts(groups: g, classes: k, maxCount: 40, using: &rng)
      let stats = try StatisticsDecoder().decode(object: countsObject(n))
      let metric = FairnessMetric.gapVectors[i % 3]
      let total = n.joined().joined().reduce(0, +)
      let tolerance = MemorizationAnalysis.roundingTolerance(stats, metric: metric, favorableClass: nil, records: total)
      let options = MetricOptions(tolerance: tolerance)
      let full = try #require(try MemorizationAnalysis.integerMinimum(stats, metric: metric, options: options))
      let limited = try #require(
        try MemorizationAnalysis.integerMinimum(stats, metric: metric, options: options, nodeLimit: 1))
      #expect(full.stoppedAtNodes == nil || full.stoppedAtNodes == MemorizationAnalysis.integerNodeLimit)
      guard limited.stoppedAtNodes != nil else {
        // Finished within one node: the same answer as the full search.
        #expect(limited.totalRecords == full.totalRecords, "instance \(i)")
        continue
      }
      stopped += 1
      #expect(limited.stoppedAtNodes == 1)
      guard limited.feasible, let m = limited.records, let totalRecords = limited.totalRecords else { continue }
      found += 1
      let x = m.map { $0.map { Double($0) / Double(total) } }
      let gap = specLargestGap(stats, x, metric: metric, favorable: nil)
      #expect(gap <= tolerance + 1e-8, "instance \(i): residual \(gap) > \(tolerance)")
      #expect(Double(totalRecords) >= (limited.continuousLowerBound ?? 0) - 1e-6, "instance \(i)")
      if full.stoppedAtNodes == nil, let least = full.totalRecords {
        #expect(totalRecords >= least, "instance \(i): stopped search below the proven least")
      }
      for a in 0..<g {
        for y in 0..<k { #expect(m[a][y] >= 0 && m[a][y] <= n[a][y].reduce(0, +), "instance \(i)") }
      }
    }
    print("[integer] node limit 1: \(stopped) of 30 searches stopped, \(found) with a checked point")
    #expect(stopped > 0)
  }
}
