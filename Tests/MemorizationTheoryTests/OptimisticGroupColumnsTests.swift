import FairMemJSON
import FairnessStatistics
import LinearProgramming
import Testing
import _TestSupport

@testable import MemorizationTheory

/// The optimistic SP program solved by group columns (Dantzig–Wolfe, closed-form pricing)
/// against GLPK on the whole program, on seeded count tables: same feasibility, same optimum,
/// and a witness that passes the mixture-rule re-check.
@Suite("Optimistic SP program by group columns vs the whole program")
struct OptimisticGroupColumnsTests {
  @Test("same verdict and optimum, verified witness (both conventions, several tolerances)")
  func columnsMatchTheWholeProgram() throws {
    var rng = TestSeed.generator(default: 0x20B5_0011)
    var outcomes = (feasible: 0, positive: 0, infeasible: 0)
    for i in 0..<120 {
      let g = Int.random(in: 2...5, using: &rng)
      let k = Int.random(in: 2...4, using: &rng)
      let scale = [20, 400, 20_000].randomElement(using: &rng) ?? 400
      // Lean each group's predictions differently so that some instances need memorization.
      let n = (0..<g).map { a in
        (0..<k).map { y in
          (0..<k).map { yh in Int.random(in: 1...scale, using: &rng) * (yh == (y + a) % k ? 4 : 1) }
        }
      }
      let conventionA = i % 2 == 0
      let unmemorized: [[Double]]? =
        conventionA
        ? (0..<g).map { _ in
          let raw = (0..<k).map { _ in Double.random(in: 0.05...1, using: &rng) }
          let total = raw.reduce(0, +)
          return raw.map { $0 / total }
        } : nil
      let tolerance = [0.0, 0.01, 0.05, 0.2].randomElement(using: &rng) ?? 0.05
      let object: [String: Any] = [
        "groups": (0..<g).map { "g\($0)" }, "classes": (0..<k).map { "c\($0)" }, "counts": n,
      ]
      let statistics: PopulationStatistics<Double> = try StatisticsDecoder().decode(object: object)
      let keys = statistics.rateKeys(for: .statisticalParity, options: MetricOptions(tolerance: tolerance))
      let region = try ConfidenceRegion.build(
        counts: n, metric: .statisticalParity, keys: keys, level: 0.95, givenUnmemorized: unmemorized != nil)
      var programs = RobustPrograms(
        region: region, metric: .statisticalParity, keys: keys, tolerance: tolerance, groups: g, classes: k,
        unmemorized: unmemorized)
      programs.groupColumns = true
      #expect(programs.usesGroupColumns)
      let (whole, layout) = programs.optimisticProgram()
      let label = "instance \(i) G=\(g) K=\(k) scale=\(scale) eps=\(tolerance) A=\(conventionA)"
      // (Floating point: GLPK's exact simplex reads the doubles as nearby simple fractions, which
      // changes these programs' equalities at eps = 0.)
      let reference = try solve(whole, options: SimplexOptions(method: .dual, wantsCertificate: false))
      let columns = try programs.solveOptimisticByGroupColumns(layout: layout, variableCount: whole.variables.count)
      // The first master solve by the primal simplex (phase one from the slack basis) instead of
      // the dual simplex: the same answer.
      let primalFirst = try programs.solveOptimisticByGroupColumns(
        layout: layout, variableCount: whole.variables.count, firstRound: .primal)
      #expect((columns == nil) == (primalFirst == nil), "\(label): first round dual vs primal")
      if let columns, let primalFirst {
        let difference = abs(columns.objective - primalFirst.objective)
        #expect(difference <= 1e-9, "\(label): dual first \(columns.objective), primal first \(primalFirst.objective)")
      }
      switch (reference, columns) {
      case (.optimal(let solution), .some(let answer)):
        let difference = abs(solution.objective - answer.objective)
        #expect(difference <= 1e-7, "\(label): whole \(solution.objective), columns \(answer.objective)")
        let witness = RobustAnalysis.optimisticWitness(answer.values, layout: layout, programs: programs)
        #expect(witness.verified, "\(label): residual \(witness.residual)")
        outcomes.feasible += 1
        if solution.objective > 1e-6 { outcomes.positive += 1 }
      case (.infeasible, .none):
        outcomes.infeasible += 1
      default:
        let found = columns.map { "\($0.objective)" } ?? "none"
        Issue.record("\(label): whole \(reference), columns \(found)")
      }
    }
    // Infeasible, zero-mass and positive-mass instances all occur.
    #expect(outcomes.infeasible > 5 && outcomes.positive > 5 && outcomes.feasible > outcomes.positive, "\(outcomes)")
  }
}
