import LinearProgramming
import Testing

@Suite("Validation before GLPK")
struct ValidationTests {
  /// A valid base program: two variables, one row.
  static var base: LinearProgram {
    var lp = LinearProgram()
    lp.addVariable("x", bounds: .range(0, 1), objective: 1)
    lp.addVariable("y", bounds: .lower(0), objective: 1)
    lp.addConstraint("row", [.init(0, 1), .init(1, 1)], .lower(0.5))
    return lp
  }

  /// Each case: a label, a broken program and a word the error message must contain.
  static let invalid: [(String, LinearProgram, String)] = {
    func broken(_ change: (inout LinearProgram) -> Void) -> LinearProgram {
      var lp = base
      change(&lp)
      return lp
    }
    return [
      ("NaN objective coefficient", broken { $0.variables[0].objective = .nan }, "\"x\""),
      (
        "infinite objective coefficient", broken { $0.variables[1].objective = -.infinity }, "\"y\""
      ),
      ("NaN objective constant", broken { $0.objectiveConstant = .nan }, "constant"),
      (
        "NaN matrix coefficient", broken { $0.constraints[0].terms[1].coefficient = .nan },
        "\"row\""
      ),
      (
        "infinite matrix coefficient",
        broken { $0.constraints[0].terms[0].coefficient = .infinity }, "\"row\""
      ),
      ("NaN variable bound", broken { $0.variables[0].bounds = .range(.nan, 1) }, "\"x\""),
      ("NaN row bound", broken { $0.constraints[0].bounds = .upper(.nan) }, "\"row\""),
      ("lower bound +inf", broken { $0.variables[1].bounds = .lower(.infinity) }, "+infinity"),
      ("upper bound -inf", broken { $0.constraints[0].bounds = .upper(-.infinity) }, "-infinity"),
      (
        "range with +inf lower end",
        broken { $0.variables[0].bounds = .range(.infinity, .infinity) }, "+infinity"
      ),
      ("infinite fixed value", broken { $0.variables[0].bounds = .fixed(.infinity) }, "\"x\""),
      ("lo > hi on a variable", broken { $0.variables[0].bounds = .range(2, 1) }, "greater than"),
      ("lo > hi on a row", broken { $0.constraints[0].bounds = .range(1, -1) }, "greater than"),
      ("index too big", broken { $0.constraints[0].terms.append(.init(2, 1)) }, "variable 2"),
      ("negative index", broken { $0.constraints[0].terms.append(.init(-1, 1)) }, "variable -1"),
      ("duplicate term", broken { $0.constraints[0].terms.append(.init(0, 3)) }, "more than once"),
      (
        "integer variable with NaN bound",
        broken { $0.variables[0] = .init(name: "k", bounds: .upper(.nan), kind: .integer) }, "\"k\""
      ),
    ]
  }()

  @Test("invalid models throw .invalidModel naming the culprit", arguments: invalid)
  func rejects(label: String, lp: LinearProgram, keyword: String) {
    for options in allConfigurations {
      do {
        _ = try solve(lp, options: options)
        Issue.record("\(label): accepted")
      } catch {
        guard case .invalidModel(let message) = error else {
          Issue.record("\(label): wrong error \(error)")
          continue
        }
        #expect(message.contains(keyword), "\(label): \(message)")
      }
    }
  }

  @Test("invalid options throw .invalidModel")
  func rejectsOptions() {
    for options in [
      SimplexOptions(iterationLimit: -1), SimplexOptions(timeLimit: .nan),
      SimplexOptions(timeLimit: -1),
    ] {
      #expect {
        try solve(Self.base, options: options)
      } throws: { error in
        if case .invalidModel = error as? LPFailure { return true }
        return false
      }
    }
  }

  @Test("equal range ends and infinite ends are accepted")
  func acceptedBounds() throws {
    var lp = Self.base
    lp.variables[0].bounds = .range(0.25, 0.25)  // GLP_FX, not GLP_DB (which GLPK rejects)
    lp.variables[1].bounds = .range(-.infinity, .infinity)
    lp.constraints[0].bounds = .range(0.5, .infinity)
    lp.variables[1].objective = 0
    let s = try #require(try solve(lp).solution)
    #expect(s.values[0] == 0.25)
    lp.variables[1].bounds = .lower(-.infinity)
    lp.constraints[0].bounds = .upper(.infinity)
    #expect(try solve(lp).solution != nil)
  }
}
