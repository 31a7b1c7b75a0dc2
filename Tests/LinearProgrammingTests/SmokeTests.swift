import LinearProgramming
import Testing

@Suite("Smoke")
struct SmokeTests {
  @Test("a two-variable LP solves")
  func twoVariables() throws {
    var lp = LinearProgram(direction: .maximize)
    let x = lp.addVariable("x", bounds: .lower(0), objective: 3)
    let y = lp.addVariable("y", bounds: .lower(0), objective: 2)
    lp.addConstraint("a", [.init(x, 1), .init(y, 1)], .upper(4))
    lp.addConstraint("b", [.init(x, 1), .init(y, 3)], .upper(6))
    lp.addConstraint("c", [.init(x, 1)], .upper(3))
    let outcome = try solve(lp)
    let s = try #require(outcome.solution)
    #expect(abs(s.objective - 11) < 1e-9)
    print(s, glpkVersion)
  }
}
