import LinearProgramming
import Testing
import _TestSupport

/// `solve(_:varyingRow:over:)` (one GLPK problem, warm starts) against cold solves, and
/// `solveInteger(_:nodeLimit:)` against `solve` (the same search below the limit).
@Suite("Bound sequences and node-limited branch and cut")
struct SequenceAndNodeLimitTests {
  @Test("each point of a warm-started bound sequence has the cold solve's status and optimum")
  func sequenceMatchesColdSolves() throws {
    var rng = TestSeed.generator(default: 0x5E9_0001)
    var compared = 0
    var infeasible = 0
    for i in 0..<300 {
      let (lp, _) = RandomPrograms.feasible(using: &rng)
      guard !lp.constraints.isEmpty else { continue }
      let row = Int.random(in: 0..<lp.constraints.count, using: &rng)
      // Upper bounds sweeping around the row's activity range, some of them infeasible.
      let bounds: [LinearProgram.Bounds] = (0..<6).map { _ in
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: .upper(RandomPrograms.dyadic(-40...40, using: &rng))
        case 1: .lower(RandomPrograms.dyadic(-40...40, using: &rng))
        default: .free
        }
      }
      let warm = try solve(lp, varyingRow: row, over: bounds)
      #expect(warm.count == bounds.count)
      for (b, outcome) in zip(bounds, warm) {
        var single = lp
        single.constraints[row].bounds = b
        let cold = try solve(single, options: SimplexOptions(wantsCertificate: false))
        #expect(cold.isInfeasible == outcome.isInfeasible, "program \(i), bound \(b)")
        #expect((cold == .unbounded) == (outcome == .unbounded), "program \(i), bound \(b)")
        if let x = cold.solution, let y = outcome.solution {
          #expect(abs(x.objective - y.objective) <= 1e-7 * (1 + abs(x.objective)), "program \(i), bound \(b)")
        }
        if cold.isInfeasible { infeasible += 1 }
        compared += 1
      }
    }
    print("[sequence] \(compared) points compared, \(infeasible) infeasible")
    #expect(compared > 500 && infeasible > 0)
  }

  @Test("a bound sequence on a missing row is an invalid model")
  func missingRow() {
    var lp = LinearProgram(direction: .minimize)
    lp.addVariable("x", bounds: .range(0, 1), objective: 1)
    #expect(throws: LPFailure.self) { try solve(lp, varyingRow: 0, over: [.upper(1)]) }
  }

  @Test("below the node limit the search is solve's; at one node a stopped search keeps a feasible incumbent")
  func nodeLimit() throws {
    var rng = TestSeed.generator(default: 0x5E9_0002)
    var stopped = 0
    for i in 0..<120 {
      // A random knapsack over general integers: max v·x, w·x <= W, 0 <= x <= u.
      let lp = RandomPrograms.knapsack(variables: 3...9, using: &rng)
      let weights = lp.constraints[0].terms
      let reference = try solve(lp, options: SimplexOptions(wantsCertificate: false))
      let full = try solveInteger(lp, nodeLimit: 1_000_000)
      guard case .optimal(let solution) = full, let expected = reference.solution else {
        Issue.record("program \(i): \(full) vs \(reference)")
        continue
      }
      #expect(solution == expected, "program \(i)")
      // Most-fractional branching: another search, the same optimum.
      guard case .optimal(let other) = try solveInteger(lp, nodeLimit: 1_000_000, branching: .mostFractional) else {
        Issue.record("program \(i): most-fractional branching found no optimum")
        continue
      }
      #expect(abs(other.objective - expected.objective) <= 1e-9, "program \(i)")
      #expect(other.values.allSatisfy { $0 == $0.rounded() }, "program \(i)")
      switch try solveInteger(lp, nodeLimit: 1) {
      case .optimal(let quick): #expect(abs(quick.objective - expected.objective) <= 1e-9, "program \(i)")
      case .stopped(let best):
        stopped += 1
        if let best {
          #expect(best.objective <= expected.objective + 1e-9, "program \(i)")
          let weight = weights.reduce(0) { $0 + $1.coefficient * best.values[$1.variable] }
          #expect(weight <= lp.constraints[0].bounds.upperValue + 1e-9, "program \(i)")
          #expect(best.values.allSatisfy { $0 == $0.rounded() }, "program \(i)")
        }
      case .infeasible, .unbounded: Issue.record("program \(i): a knapsack with x = 0 feasible")
      }
    }
    print("[node limit] \(stopped) of 120 searches stopped at one node")
    #expect(stopped > 0)
  }
}
