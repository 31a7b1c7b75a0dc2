import LinearProgramming
import Testing
import _TestSupport

@Suite("Random programs with a known status")
struct RandomProgramTests {
  /// Primal and dual checks on data of magnitude <= ~50: GLPK's default feasibility tolerances
  /// are 1e-7 relative, so measures are scaled by the problem's largest bound.
  static func scale(_ lp: LinearProgram) -> Double {
    var largest = 1.0
    for v in lp.variables {
      for b in [v.bounds.lowerValue, v.bounds.upperValue] where b.isFinite {
        largest = max(largest, abs(b))
      }
    }
    for r in lp.constraints {
      for b in [r.bounds.lowerValue, r.bounds.upperValue] where b.isFinite {
        largest = max(largest, abs(b))
      }
    }
    return largest
  }

  @Test(
    "feasible by construction: optimal, feasible, dual-feasible, zero gap, no worse than the planted point",
    arguments: [false, true])
  func feasiblePrograms(roughData: Bool) throws {
    try RandomPrograms.$roughData.withValue(roughData) {
      try checkFeasiblePrograms(roughData: roughData)
    }
  }

  func checkFeasiblePrograms(roughData: Bool) throws {
    var rng = TestSeed.generator(
      default: roughData ? 0x4C50_0003 : 0x4C50_0001, "feasiblePrograms(roughData: \(roughData))")
    for trial in 0..<1500 {
      let (lp, point) = RandomPrograms.feasible(using: &rng)
      // glp_exact reads data within 1e-9 of simple fractions (see SimplexOptions.Method.exact),
      // so it only applies to the dyadic programs.
      let options = RandomPrograms.options(exactOdds: roughData ? .max : 25, using: &rng)
      let outcome = try solve(lp, options: options)
      let s = try #require(outcome.solution, "trial \(trial) \(options): \(outcome)\n\(lp)")
      let tolerance = Tolerance.linearProgram * Self.scale(lp)
      let check = verifyOptimality(of: s, for: lp)
      #expect(
        check.isOptimal(tolerance: tolerance, objective: s.objective),
        "trial \(trial) \(options): \(check)\n\(lp)")
      let planted = lp.objectiveValue(at: point)
      let noWorse =
        lp.direction == .minimize
        ? s.objective <= planted + tolerance : s.objective >= planted - tolerance
      #expect(noWorse, "trial \(trial): optimum \(s.objective), planted point \(planted)")
      if !check.isOptimal(tolerance: tolerance, objective: s.objective) { return }
    }
  }

  @Test(
    "infeasible by construction: infeasible with a certificate whose gap is positive",
    arguments: [false, true])
  func infeasiblePrograms(roughData: Bool) throws {
    try RandomPrograms.$roughData.withValue(roughData) {
      try checkInfeasiblePrograms(roughData: roughData)
    }
  }

  func checkInfeasiblePrograms(roughData: Bool) throws {
    var rng = TestSeed.generator(
      default: roughData ? 0x4C50_0004 : 0x4C50_0002, "infeasiblePrograms(roughData: \(roughData))")
    for trial in 0..<800 {
      let lp = RandomPrograms.infeasible(using: &rng)
      let options = RandomPrograms.options(exactOdds: roughData ? .max : 25, using: &rng)
      let outcome = try solve(lp, options: options)
      guard case .infeasible(let certificate) = outcome else {
        Issue.record("trial \(trial) \(options): \(outcome)\n\(lp)")
        return
      }
      let y = try #require(certificate, "trial \(trial) \(options): no certificate\n\(lp)")
      let gap = y.verify(against: lp)
      #expect(gap > 0, "trial \(trial) \(options): gap \(gap)\n\(y)\n\(lp)")
      if !(gap > 0) { return }
    }
  }
}
