import LinearProgramming
import Testing
import _TestSupport

@Suite("Exact simplex and integer programs")
struct ExactAndIntegerTests {
  @Test("exact simplex gives the rational optimum 2/3 and agrees with floating simplex")
  func exactRational() throws {
    let lp = Fixtures.rationalVertex
    let exact = try #require(try solve(lp, options: .init(method: .exact)).solution)
    // glp_exact computes in rationals and converts once to binary64: within one rounding
    // (relative ulpOfOne) of the nearest doubles to 2/3 and 1/3.
    #expect(mismatch([exact.objective], [2.0 / 3.0], absolute: 0, relative: .ulpOfOne) == nil)
    #expect(
      mismatch(exact.values, [1.0 / 3.0, 1.0 / 3.0], absolute: 0, relative: .ulpOfOne) == nil)
    #expect(
      mismatch(exact.rowDuals, [1.0 / 3.0, 1.0 / 3.0], absolute: 0, relative: .ulpOfOne) == nil)
    for options in floatingConfigurations {
      let floating = try #require(try solve(lp, options: options).solution)
      #expect(
        mismatch([floating.objective], [exact.objective], absolute: Tolerance.linearProgram) == nil)
      #expect(mismatch(floating.values, exact.values, absolute: Tolerance.linearProgram) == nil)
    }
  }

  /// maximize 10a + 13b + 7c + 8d with weights 3, 4, 2, 3 and capacity 7, binary variables.
  /// Feasible pairs: {a,b} = 23 (weight 7), {b,d} = 21, {b,c} = 20, {a,d} = 18, {a,c} = 17,
  /// {c,d} = 15; no triple fits (lightest triple a,c,d weighs 8). Optimum 23 at a = b = 1.
  static var knapsack: LinearProgram {
    var lp = LinearProgram(direction: .maximize)
    let values = [10.0, 13, 7, 8]
    let weights = [3.0, 4, 2, 3]
    for (k, v) in values.enumerated() {
      lp.addVariable("item\(k)", bounds: .range(0, 1), objective: v, kind: .integer)
    }
    lp.addConstraint(
      "capacity", weights.enumerated().map { .init($0.offset, $0.element) }, .upper(7))
    return lp
  }

  @Test("knapsack: integer optimum 23, no duals", arguments: [false, true])
  func knapsack(presolve: Bool) throws {
    let lp = Self.knapsack
    let s = try #require(try solve(lp, options: .init(presolve: presolve)).solution)
    #expect(mismatch([s.objective], [23], absolute: Tolerance.linearProgram) == nil)
    #expect(mismatch(s.values, [1, 1, 0, 0], absolute: Tolerance.linearProgram) == nil)
    #expect(s.rowDuals.isEmpty && s.reducedCosts.isEmpty)
    #expect(mismatch(s.rowActivities, [7], absolute: Tolerance.linearProgram) == nil)
    // The LP relaxation takes c, a and half of b (ratios 3.5, 3.33, 3.25): 7 + 10 + 6.5 = 23.5.
    var relaxed = lp
    for j in relaxed.variables.indices { relaxed.variables[j].kind = .continuous }
    let r = try #require(try solve(relaxed).solution)
    #expect(mismatch([r.objective], [23.5], absolute: Tolerance.linearProgram) == nil)
  }

  @Test(
    "general integers: max x + y with 2x + 2y <= 3 has integer optimum 1", arguments: [false, true])
  func generalInteger(presolve: Bool) throws {
    var lp = LinearProgram(direction: .maximize)
    let x = lp.addVariable("x", bounds: .lower(0), objective: 1, kind: .integer)
    let y = lp.addVariable("y", bounds: .lower(0), objective: 1, kind: .integer)
    lp.addConstraint("r", [.init(x, 2), .init(y, 2)], .upper(3))
    let s = try #require(try solve(lp, options: .init(presolve: presolve)).solution)
    #expect(mismatch([s.objective], [1], absolute: Tolerance.linearProgram) == nil)
  }

  @Test("fractional bounds on an integer variable are narrowed: max x, x <= 2.5 gives 2")
  func fractionalIntegerBound() throws {
    var lp = LinearProgram(direction: .maximize)
    lp.addVariable("x", bounds: .range(-0.5, 2.5), objective: 1, kind: .integer)
    let s = try #require(try solve(lp).solution)
    #expect(mismatch([s.objective], [2], absolute: Tolerance.linearProgram) == nil)
  }

  @Test("integer infeasible, relaxation feasible: no certificate", arguments: [false, true])
  func integerInfeasible(presolve: Bool) throws {
    // 2x = 1 has the relaxed solution x = 1/2 and no integer one.
    var lp = LinearProgram()
    let x = lp.addVariable("x", bounds: .range(-10, 10), objective: 1, kind: .integer)
    lp.addConstraint("half", [.init(x, 2)], .fixed(1))
    #expect(try solve(lp, options: .init(presolve: presolve)) == .infeasible(nil))
    // An integer box without integers: x in [0.2, 0.8].
    var box = LinearProgram()
    box.addVariable("x", bounds: .range(0.2, 0.8), kind: .integer)
    #expect(try solve(box, options: .init(presolve: presolve)) == .infeasible(nil))
  }

  @Test(
    "integer program with an infeasible relaxation carries the relaxation's certificate",
    arguments: [false, true])
  func relaxationInfeasible(presolve: Bool) throws {
    var lp = LinearProgram()
    let x = lp.addVariable("x", bounds: .lower(0), objective: 1, kind: .integer)
    let y = lp.addVariable("y", bounds: .range(0, 1), objective: 1)
    lp.addConstraint("neg", [.init(x, 1), .init(y, 1)], .upper(-1))
    guard case .infeasible(let certificate?) = try solve(lp, options: .init(presolve: presolve))
    else {
      Issue.record("expected an infeasible outcome with a certificate")
      return
    }
    #expect(certificate.verify(against: lp) > 0)
  }

  @Test(
    "integer program with an unbounded relaxation is reported unbounded", arguments: [false, true])
  func integerUnbounded(presolve: Bool) throws {
    var lp = LinearProgram(direction: .maximize)
    let x = lp.addVariable("x", bounds: .lower(0), objective: 1, kind: .integer)
    let y = lp.addVariable("y", bounds: .lower(0), kind: .integer)
    lp.addConstraint("r", [.init(x, 1), .init(y, -1)], .upper(0))
    #expect(try solve(lp, options: .init(presolve: presolve)) == .unbounded)
  }
}
