import FairMemJSON
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory
import Testing
import _TestSupport

@Suite("Mass-vs-bias frontier")
struct FrontierTests {
  @Test("nonincreasing, convex, starts at the base gap, reaches 0 at the LP min mass, residual = bias")
  func frontierProperties() throws {
    var rng = TestSeed.generator(default: 0xF207_0001)
    var worstResidual = 0.0
    var reachedZero = 0
    for i in 0..<260 {
      let stats = randomStatistics(
        InstanceShape(zeroCellProbability: 0.05, conventionA: i % 2 == 1, capProbability: 0.3), using: &rng)
      let metric = FairnessMetric.gapVectors[i % 3]
      let favorable: Int? = i % 4 == 3 ? Int.random(in: 0..<stats.classCount, using: &rng) : nil
      let budgets = MemorizationAnalysis.evenlySpacedBudgets(upTo: stats.totalCap, count: 8)
      let points = try MemorizationAnalysis.frontier(stats, metric: metric, favorableClass: favorable, budgets: budgets)
      var failures: [String] = []
      #expect(points.count == budgets.count)
      let base = specLargestGap(stats, stats.noMemorization, metric: metric, favorable: favorable)
      if abs(points[0].bias - base) > 1e-9 {
        failures.append("bias at budget 0 is \(points[0].bias), base gap \(base)")
      }
      let reportBase = stats.biasReport(memorized: stats.noMemorization).entries[metric]!.filter {
        favorable == nil || $0.entry.rate.predictedClass == favorable!
      }.reduce(0.0) { max($0, abs($1.value)) }
      if abs(reportBase - base) > 1e-12 { failures.append("BiasReport base gap \(reportBase) vs spec \(base)") }
      for (k, point) in points.enumerated() {
        // The residual is recomputed from the witness by R0; the LP's t must equal it.
        let spec = specLargestGap(stats, point.witness, metric: metric, favorable: favorable)
        worstResidual = max(worstResidual, abs(point.residual - point.bias))
        if abs(point.residual - point.bias) > 1e-8 {
          failures.append("point \(k): residual \(point.residual) vs bias \(point.bias)")
        }
        if abs(spec - point.residual) > 1e-12 {
          failures.append("point \(k): residual \(point.residual) vs spec \(spec)")
        }
        if point.mass > point.budget + 1e-9 {
          failures.append("point \(k): mass \(point.mass) over budget \(point.budget)")
        }
        if abs(point.mass - point.witness.joined().reduce(0, +)) > 1e-12 { failures.append("point \(k): mass") }
        for a in 0..<stats.groupCount {
          for y in 0..<stats.classCount
          where point.witness[a][y] < -1e-9 || point.witness[a][y] > stats.cap[a][y] + 1e-9 {
            failures.append("point \(k): witness outside caps")
          }
        }
        if k > 0 && point.bias > points[k - 1].bias + 1e-9 { failures.append("increases at point \(k)") }
        // Convexity on evenly spaced budgets: second differences are nonnegative.
        if k >= 2 && points[k - 2].bias - 2 * points[k - 1].bias + point.bias < -1e-9 {
          failures.append("not convex at point \(k): \(points[k - 2].bias), \(points[k - 1].bias), \(point.bias)")
        }
      }
      // Once the budget covers the least zero-bias mass, the bias is zero.
      let options = MetricOptions(favorableClass: favorable)
      let answer = try MemorizationAnalysis.analyze(stats, metric: metric, options: options, certificate: false)
      if let least = answer.minMass {
        let tail = try MemorizationAnalysis.frontier(
          stats, metric: metric, favorableClass: favorable, budgets: [least + 1e-9, (least + stats.totalCap) / 2])
        for point in tail where point.bias > 1e-8 {
          failures.append("bias \(point.bias) at budget \(point.budget) >= LP min \(least)")
        }
        for point in points where point.budget >= least + 1e-9 && point.bias > 1e-8 {
          failures.append("bias \(point.bias) at budget \(point.budget) >= LP min \(least)")
        }
        // Below the least mass the bias is positive (the LP min is the least mass).
        if least > 1e-6 {
          let below = try MemorizationAnalysis.frontier(
            stats, metric: metric, favorableClass: favorable, budgets: [least * 0.9])
          if below[0].bias <= 1e-10 { failures.append("bias 0 below the least mass \(least)") }
        }
        reachedZero += 1
      } else {
        // Infeasible: even the whole cap leaves a positive bias.
        if points.last!.bias <= 1e-9 { failures.append("frontier reaches 0 although the LP is infeasible") }
      }
      #expect(failures.isEmpty, "\(metric) favorable \(favorable as Any): \(failures)")
    }
    print(
      "[frontier] worst |residual - bias| = \(worstResidual); \(reachedZero) instances checked against the LP min mass")
  }
}
