import FairnessStatistics
import LinearProgramming
import MemorizationTheory
import Testing
import _TestSupport

/// The band rows (`t_k <= rate_a <= t_k + eps`, O(G) per rate) against the pairwise rows
/// (`|rate_a - rate_b| <= eps` for every pair, O(G²) per rate) they replace: two formulations of
/// the same feasible set, solved independently by GLPK.
@Suite("Band formulation vs every pair of groups")
struct BandFormulationTests {
  @Test("same feasibility, least and most mass as the pairwise program; certificates carry over")
  func bandsMatchPairs() throws {
    var rng = TestSeed.generator(default: 0xBA4D_0001)
    var compared = 0
    var infeasible = 0
    for i in 0..<150 {
      let stats = randomStatistics(
        InstanceShape(groups: 3...6, zeroCellProbability: 0.05, conventionA: i % 2 == 0, capProbability: 0.5),
        using: &rng)
      let metric = FairnessMetric.allCases[i % 3]
      let favorable: Int? = i % 4 == 0 ? Int.random(in: 0..<stats.classCount, using: &rng) : nil
      let options = MetricOptions(favorableClass: favorable, tolerance: uniform(0.001, 0.08, using: &rng))
      let band = MemorizationProgram(statistics: stats, metric: metric, options: options)
      let pairs = MemorizationProgram(statistics: stats, metric: metric, options: options, rows: .allPairs)
      #expect(band.rows == .bands)
      for objective in [MemorizationProgram<Double>.Objective.minimizeMass, .maximizeMass] {
        let a = try band.solveMass(objective, options: SimplexOptions(method: .exact, wantsCertificate: false))
        let b = try pairs.solveMass(objective, options: SimplexOptions(method: .exact, wantsCertificate: false))
        #expect(a.isInfeasible == b.isInfeasible, "instance \(i) \(metric) \(objective)")
        if let x = a.solution, let y = b.solution {
          #expect(abs(x.objective - y.objective) <= 1e-9, "instance \(i) \(metric) \(objective)")
        }
        if a.isInfeasible { infeasible += 1 }
        compared += 1
      }
      // A band certificate, mapped to pairs, proves infeasibility of the pairwise program.
      let answer = try MemorizationAnalysis.analyze(stats, metric: metric, options: options)
      let found = problems(with: answer, statistics: stats, metric: metric, options: options)
      #expect(found.isEmpty, "instance \(i) \(metric): \(found)")
    }
    print("[band] \(compared) solves compared, \(infeasible) infeasible")
    #expect(infeasible > compared / 20 && infeasible < compared * 19 / 20)
  }

  @Test("rows grow linearly in the number of groups")
  func linearRows() {
    let g = 40
    let k = 3
    let population = Array(repeating: Array(repeating: 1 / Double(g * k), count: k), count: g)
    let row = Array(repeating: 1 / Double(k), count: k)
    let stats = PopulationStatistics<Double>(
      groups: (0..<g).map { "g\($0)" }, classes: (0..<k).map { "c\($0)" }, population: population,
      confusion: Array(repeating: Array(repeating: row, count: k), count: g))
    let program = MemorizationProgram(
      statistics: stats, metric: .equalizedOdds, options: MetricOptions(tolerance: 0.01))
    let lp = program.linearProgram(.minimizeMass)
    #expect(lp.constraints.count == g * k * k)
    #expect(lp.variables.count == g * k + k * k)
    #expect(lp.constraints.allSatisfy { $0.terms.count == 2 })
    let frontier = MemorizationProgram.frontierProgram(
      statistics: stats, metric: .statisticalParity, favorableClass: nil, budget: 0.1)
    #expect(frontier.constraints.count == 1 + 2 * g * k)
  }
}
