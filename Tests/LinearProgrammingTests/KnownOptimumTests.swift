import LinearProgramming
import Testing
import _TestSupport

/// Every floating simplex configuration: primal and dual, presolve off and on.
let floatingConfigurations: [SimplexOptions] = [
  .init(method: .primal, presolve: false), .init(method: .primal, presolve: true),
  .init(method: .dual, presolve: false), .init(method: .dual, presolve: true),
]
/// The floating configurations and the exact simplex.
let allConfigurations = floatingConfigurations + [.init(method: .exact)]

@Suite("Known optima")
struct KnownOptimumTests {
  @Test(
    "textbook maximum: value 11 at (3, 1), duals pass the optimality check",
    arguments: allConfigurations)
  func textbookMax(options: SimplexOptions) throws {
    let lp = Fixtures.textbookMax
    let s = try #require(try solve(lp, options: options).solution)
    #expect(mismatch([s.objective], [11], absolute: Tolerance.linearProgram) == nil)
    #expect(mismatch(s.values, [3, 1], absolute: Tolerance.linearProgram) == nil)
    #expect(mismatch(s.rowActivities, [4, 6, 3], absolute: Tolerance.linearProgram) == nil)
    let check = verifyOptimality(of: s, for: lp)
    #expect(check.isOptimal(tolerance: Tolerance.linearProgram, objective: s.objective), "\(check)")
  }

  @Test("strong duality: the explicit dual LP has the same optimum as the primal")
  func explicitDual() throws {
    let primal = try #require(try solve(Fixtures.textbookMax).solution)
    let dual = try #require(try solve(Fixtures.textbookDual).solution)
    #expect(
      mismatch([primal.objective], [dual.objective], absolute: Tolerance.linearProgram) == nil)
    // The dual LP's variables are the primal row duals (up to degeneracy, the objective
    // b·y must match).
    let by = zip([4.0, 6, 3], primal.rowDuals).reduce(0) { $0 + $1.0 * $1.1 }
    #expect(mismatch([by], [11], absolute: Tolerance.linearProgram) == nil)
  }

  @Test(
    "minimize with free, fixed and box variables, equality and range rows",
    arguments: allConfigurations)
  func mixedMin(options: SimplexOptions) throws {
    let lp = Fixtures.mixedMin
    let s = try #require(try solve(lp, options: options).solution)
    #expect(mismatch([s.objective], [-0.75], absolute: Tolerance.linearProgram) == nil)
    #expect(mismatch(s.values, [1.5, -0.5, 1.5], absolute: Tolerance.linearProgram) == nil)
    #expect(mismatch(s.rowDuals, [1.5, -0.5], absolute: Tolerance.linearProgram) == nil)
    #expect(mismatch(s.reducedCosts, [0, 0, -1], absolute: Tolerance.linearProgram) == nil)
    let check = verifyOptimality(of: s, for: lp)
    #expect(check.isOptimal(tolerance: Tolerance.linearProgram, objective: s.objective), "\(check)")
  }

  @Test("maximize: duals have the maximization signs", arguments: allConfigurations)
  func mixedMax(options: SimplexOptions) throws {
    let lp = Fixtures.mixedMax
    let s = try #require(try solve(lp, options: options).solution)
    #expect(mismatch([s.objective], [1.5], absolute: Tolerance.linearProgram) == nil)
    #expect(mismatch(s.values, [-1, 2, 1.5], absolute: Tolerance.linearProgram) == nil)
    #expect(mismatch(s.rowDuals, [1, 0], absolute: Tolerance.linearProgram) == nil)
    #expect(mismatch(s.reducedCosts, [0, 1, -1], absolute: Tolerance.linearProgram) == nil)
    let check = verifyOptimality(of: s, for: lp)
    #expect(check.isOptimal(tolerance: Tolerance.linearProgram, objective: s.objective), "\(check)")
  }

  @Test("verifyOptimality rejects wrong duals and a non-optimal point")
  func optimalityCheckDetectsErrors() throws {
    let lp = Fixtures.mixedMin
    let s = try #require(try solve(lp).solution)
    var flipped = s
    flipped.rowDuals[1] = 0.5  // points at the inactive lower bound -5
    let badDual = verifyOptimality(of: flipped, for: lp)
    #expect(badDual.dualViolation >= 0.5)
    #expect(!badDual.isOptimal(tolerance: Tolerance.linearProgram))

    var moved = s
    moved.values = [1, 0, 1.5]  // feasible, objective -0.25: not optimal
    let notOptimal = verifyOptimality(of: moved, for: lp)
    #expect(notOptimal.primalViolation <= 0)
    #expect(notOptimal.dualityGap > 0.4)

    let mip = LPSolution(
      objective: 0, values: s.values, rowActivities: [], rowDuals: [], reducedCosts: [])
    #expect(verifyOptimality(of: mip, for: lp).dualViolation.isNaN)
    let short = LPSolution(
      objective: 0, values: [1], rowActivities: [], rowDuals: [], reducedCosts: [])
    #expect(verifyOptimality(of: short, for: lp).primalViolation == .infinity)
    #expect(!verifyOptimality(of: short, for: lp).isOptimal(tolerance: 1))
  }

  @Test("a single bounded variable without rows", arguments: allConfigurations)
  func noRows(options: SimplexOptions) throws {
    var lp = LinearProgram()
    lp.addVariable("x", bounds: .range(-1, 5), objective: -2)
    let s = try #require(try solve(lp, options: options).solution)
    #expect(mismatch([s.objective], [-10], absolute: Tolerance.linearProgram) == nil)
    #expect(s.rowDuals.isEmpty && s.rowActivities.isEmpty)
    #expect(mismatch(s.reducedCosts, [-2], absolute: Tolerance.linearProgram) == nil)
  }

  @Test("a program without variables is answered directly")
  func noVariables() throws {
    var lp = LinearProgram(objectiveConstant: 2.5)
    lp.addConstraint("zero ok", [], .range(-1, 1))
    let s = try #require(try solve(lp).solution)
    #expect(s.objective == 2.5)
    #expect(s.values.isEmpty && s.rowActivities == [0] && s.rowDuals == [0])

    lp.addConstraint("needs 1", [], .lower(1))
    guard case .infeasible(let certificate?) = try solve(lp) else {
      Issue.record("expected an infeasible outcome with a certificate")
      return
    }
    #expect(certificate.verify(against: lp) > 0)
    #expect(try solve(lp, options: .init(wantsCertificate: false)) == .infeasible(nil))
    #expect(try solve(LinearProgram()).solution?.objective == 0)
  }

  @Test("explicit zero coefficients are accepted and ignored")
  func zeroCoefficient() throws {
    var lp = Fixtures.textbookMax
    lp.constraints[2].terms.append(.init(1, 0))
    let s = try #require(try solve(lp).solution)
    #expect(mismatch([s.objective], [11], absolute: Tolerance.linearProgram) == nil)
  }

  @Test("the iteration limit is reported as an error")
  func iterationLimit() throws {
    #expect(throws: LPFailure.iterationLimit) {
      try solve(Fixtures.textbookMax, options: .init(method: .primal, iterationLimit: 0))
    }
  }

  @Test("GLPK version is 5.x")
  func version() {
    #expect(glpkVersion.hasPrefix("5."))
  }
}
