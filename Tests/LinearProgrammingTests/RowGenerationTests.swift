import LinearProgramming
import Testing
import _TestSupport

/// `solveWithRowGeneration` against `solve` on the full program: random programs whose rows are
/// split into the starting rows and hidden rows that the separator hands out when violated.
@Suite("Row generation on one warm-started GLPK problem")
struct RowGenerationTests {
  /// Solves `lp` starting from a random subset of its rows; the separator returns the hidden
  /// rows the point violates by more than 1e-9 (each at most once).
  static func generated(_ lp: LinearProgram, using rng: inout some RandomNumberGenerator) throws -> (
    outcome: LPOutcome, program: LinearProgram
  ) {
    var start = lp
    var hidden: [LinearProgram.Constraint] = []
    start.constraints = []
    for row in lp.constraints {
      if Bool.random(using: &rng) { start.constraints.append(row) } else { hidden.append(row) }
    }
    return try solveWithRowGeneration(start) { x in
      var violated: [LinearProgram.Constraint] = []
      hidden.removeAll { row in
        let activity = row.activity(at: x)
        let scale = 1e-9 * max(1, abs(activity))
        guard activity < row.bounds.lowerValue - scale || activity > row.bounds.upperValue + scale else {
          return false
        }
        violated.append(row)
        return true
      }
      return violated
    }
  }

  @Test("feasible programs: the full program's optimum, at a point feasible for every row")
  func feasiblePrograms() throws {
    var rng = TestSeed.generator(default: 0x524F_5701, "feasiblePrograms")
    for trial in 0..<1000 {
      let (lp, _) = RandomPrograms.feasible(using: &rng)
      let whole = try #require(try solve(lp).solution, "trial \(trial)")
      let (outcome, program) = try Self.generated(lp, using: &rng)
      let lazy = try #require(outcome.solution, "trial \(trial): \(outcome)")
      let tolerance = Tolerance.linearProgram * RandomProgramTests.scale(lp)
      #expect(abs(whole.objective - lazy.objective) <= tolerance, "trial \(trial)")
      #expect(lp.maximumViolation(at: lazy.values) <= tolerance, "trial \(trial)")
      #expect(program.constraints.count <= lp.constraints.count, "trial \(trial)")
    }
  }

  @Test("infeasible programs: infeasible, with a certificate for the rows it used")
  func infeasiblePrograms() throws {
    var rng = TestSeed.generator(default: 0x524F_5702, "infeasiblePrograms")
    var certified = 0
    for trial in 0..<500 {
      let lp = RandomPrograms.infeasible(using: &rng)
      let (outcome, program) = try Self.generated(lp, using: &rng)
      guard case .infeasible(let certificate) = outcome else {
        Issue.record("trial \(trial): \(outcome)")
        continue
      }
      if let certificate {
        #expect(certificate.verify(against: program) > 0, "trial \(trial)")
        certified += 1
      }
    }
    #expect(certified > 450, "certified \(certified) of 500")
  }
}
