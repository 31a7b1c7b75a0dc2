import LinearProgramming
import Testing
import _TestSupport

@Suite("Infeasible and unbounded programs")
struct InfeasibleUnboundedTests {
  static let infeasibleCases = Fixtures.infeasible.flatMap { fixture in
    allConfigurations.map { (fixture.0, fixture.1, $0) }
  }
  static let unboundedCases = Fixtures.unbounded.flatMap { fixture in
    allConfigurations.map { (fixture.0, fixture.1, $0) }
  }

  @Test(
    "infeasible with a certificate that verifies, presolve on and off", arguments: infeasibleCases)
  func infeasible(name: String, lp: LinearProgram, options: SimplexOptions) throws {
    let outcome = try solve(lp, options: options)
    guard case .infeasible(let certificate) = outcome else {
      Issue.record("\(name): expected infeasible, got \(outcome)")
      return
    }
    let y = try #require(certificate, "\(name): no certificate")
    #expect(y.rowMultipliers.count == lp.constraints.count)
    #expect(y.verify(against: lp) > 0, "\(name): gap \(y.verify(against: lp)) for \(y)")
  }

  @Test("no certificate unless asked", arguments: Fixtures.infeasible.map(\.1))
  func noCertificate(lp: LinearProgram) throws {
    #expect(try solve(lp, options: .init(wantsCertificate: false)) == .infeasible(nil))
  }

  @Test("unbounded, presolve on and off", arguments: unboundedCases)
  func unbounded(name: String, lp: LinearProgram, options: SimplexOptions) throws {
    let outcome = try solve(lp, options: options)
    #expect(outcome == .unbounded, "\(name): \(outcome)")
  }

  @Test("certificate arithmetic: infinite bounds, sign and size mismatches give no proof")
  func verifyEdgeCases() {
    var lp = LinearProgram()
    let x = lp.addVariable("x", bounds: .lower(0))
    lp.addConstraint("neg", [.init(x, 1)], .upper(-1))
    // y = -1: L = -1 * (-1) = 1, g = -1 points at x's lower bound 0: U = 0, gap 1.
    #expect(FarkasCertificate(rowMultipliers: [-1]).verify(against: lp) == 1)
    // y = +1 points at the missing lower row bound: L = -inf.
    #expect(FarkasCertificate(rowMultipliers: [1]).verify(against: lp) == -.infinity)
    #expect(FarkasCertificate(rowMultipliers: [0]).verify(against: lp) == -.infinity)
    #expect(FarkasCertificate(rowMultipliers: []).verify(against: lp) == -.infinity)
    #expect(FarkasCertificate(rowMultipliers: [.nan]).verify(against: lp) == -.infinity)
    // Rounding residue on a free column is treated as 0: rows x >= 3 and 49x <= 49 with
    // multipliers (1, -1/49) cancel x only up to rounding (49 * (1/49) != 1 in binary64).
    var free = LinearProgram()
    let fx = free.addVariable("x", bounds: .free)
    free.addConstraint("ge", [.init(fx, 1)], .lower(3))
    free.addConstraint("le", [.init(fx, 49)], .upper(49))
    #expect(1 - 49 * (1.0 / 49) != 0)
    let gap = FarkasCertificate(rowMultipliers: [1, -1.0 / 49]).verify(against: free)
    #expect(mismatch([gap], [2], absolute: Tolerance.composed) == nil)
  }
}
