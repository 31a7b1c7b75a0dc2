import LinearProgramming
import Testing
import _TestSupport

/// `solveByBlocks` against `solve` on the same program: programs made of independent random
/// blocks (feasible, or with one infeasible block), their variables and rows shuffled so the
/// blocks interleave.
@Suite("Block-diagonal programs solved block by block")
struct SolveByBlocksTests {
  /// Joins the programs into one (block b's variables shifted past the earlier blocks'), then
  /// shuffles variables and rows.
  static func joined(_ parts: [LinearProgram], using rng: inout some RandomNumberGenerator) -> LinearProgram {
    var lp = LinearProgram(direction: parts[0].direction)
    for part in parts {
      let offset = lp.variables.count
      lp.objectiveConstant += part.objectiveConstant
      lp.variables += part.variables
      lp.constraints += part.constraints.map { row in
        var row = row
        row.terms = row.terms.map { .init($0.variable + offset, $0.coefficient) }
        return row
      }
    }
    var order = Array(lp.variables.indices)
    order.shuffle(using: &rng)
    var position = order
    for (new, old) in order.enumerated() { position[old] = new }
    lp.variables = order.map { lp.variables[$0] }
    lp.constraints = lp.constraints.map { row in
      var row = row
      row.terms = row.terms.map { .init(position[$0.variable], $0.coefficient) }
      return row
    }
    lp.constraints.shuffle(using: &rng)
    return lp
  }

  /// `count` random feasible programs with one direction (the first one's).
  static func feasibleParts(_ count: Int, using rng: inout some RandomNumberGenerator) -> [LinearProgram] {
    var parts: [LinearProgram] = []
    while parts.count < count {
      let (part, _) = RandomPrograms.feasible(using: &rng)
      if parts.isEmpty || part.direction == parts[0].direction { parts.append(part) }
    }
    return parts
  }

  @Test("feasible blocks: the same optimum as one solve, and the stitched solution is optimal for the whole")
  func feasibleBlocks() throws {
    var rng = TestSeed.generator(default: 0x424C_4B01, "feasibleBlocks")
    for trial in 0..<300 {
      let lp = Self.joined(Self.feasibleParts(Int.random(in: 1...5, using: &rng), using: &rng), using: &rng)
      let whole = try #require(try solve(lp).solution, "trial \(trial)")
      let blocks = try #require(try solveByBlocks(lp).solution, "trial \(trial)")
      let tolerance = Tolerance.linearProgram * RandomProgramTests.scale(lp)
      #expect(abs(whole.objective - blocks.objective) <= tolerance, "trial \(trial)")
      #expect(abs(lp.objectiveValue(at: blocks.values) - blocks.objective) <= tolerance, "trial \(trial)")
      let check = verifyOptimality(of: blocks, for: lp)
      #expect(check.isOptimal(tolerance: tolerance, objective: blocks.objective), "trial \(trial): \(check)")
    }
  }

  @Test("one infeasible block: infeasible, with a certificate for the whole program")
  func infeasibleBlock() throws {
    var rng = TestSeed.generator(default: 0x424C_4B02, "infeasibleBlock")
    for trial in 0..<300 {
      var parts = Self.feasibleParts(Int.random(in: 0...4, using: &rng) + 1, using: &rng)
      var bad = RandomPrograms.infeasible(using: &rng)
      bad.direction = parts[0].direction
      parts.insert(bad, at: Int.random(in: 0...parts.count, using: &rng))
      let lp = Self.joined(parts, using: &rng)
      let outcome = try solveByBlocks(lp)
      guard case .infeasible(let certificate) = outcome else {
        Issue.record("trial \(trial): \(outcome)")
        continue
      }
      let farkas = try #require(certificate, "trial \(trial)")
      #expect(farkas.rowMultipliers.count == lp.constraints.count)
      #expect(farkas.verify(against: lp) > 0, "trial \(trial)")
      #expect(try solve(lp).isInfeasible, "trial \(trial)")
    }
  }

  @Test(
    "integer blocks: the same optimum as branch and cut on the whole; stopped searches give integral feasible points")
  func integerBlocks() throws {
    var rng = TestSeed.generator(default: 0x424C_4B03, "integerBlocks")
    var stopped = 0
    for trial in 0..<150 {
      let parts = (0..<Int.random(in: 1...5, using: &rng)).map { _ in
        RandomPrograms.knapsack(variables: 2...7, using: &rng)
      }
      let lp = Self.joined(parts, using: &rng)
      guard case .optimal(let whole) = try solveInteger(lp, nodeLimit: 1_000_000),
        case .optimal(let blocks) = try solveIntegerByBlocks(lp, nodeLimit: 1_000_000)
      else {
        Issue.record("trial \(trial): not optimal")
        continue
      }
      #expect(abs(whole.objective - blocks.objective) <= 1e-9, "trial \(trial)")
      #expect(abs(lp.objectiveValue(at: blocks.values) - blocks.objective) <= 1e-9, "trial \(trial)")
      #expect(blocks.values.allSatisfy { $0 == $0.rounded() }, "trial \(trial)")
      #expect(lp.maximumViolation(at: blocks.values) <= 1e-9, "trial \(trial)")
      switch try solveIntegerByBlocks(lp, nodeLimit: 1) {
      case .optimal(let quick): #expect(abs(quick.objective - whole.objective) <= 1e-9, "trial \(trial)")
      case .stopped(let best):
        stopped += 1
        guard let best else { continue }
        #expect(best.objective <= whole.objective + 1e-9, "trial \(trial)")
        #expect(abs(lp.objectiveValue(at: best.values) - best.objective) <= 1e-9, "trial \(trial)")
        #expect(best.values.allSatisfy { $0 == $0.rounded() }, "trial \(trial)")
        #expect(lp.maximumViolation(at: best.values) <= 1e-9, "trial \(trial)")
      case .infeasible, .unbounded: Issue.record("trial \(trial): x = 0 is feasible")
      }
    }
    print("[integer blocks] \(stopped) of 150 searches stopped at one node per block")
    #expect(stopped > 0)
    // One block with no integer point makes the whole infeasible.
    for trial in 0..<30 {
      var parts = (0..<Int.random(in: 1...4, using: &rng)).map { _ in
        RandomPrograms.knapsack(variables: 2...7, using: &rng)
      }
      parts.insert(
        RandomPrograms.knapsack(variables: 2...7, covering: true, using: &rng),
        at: Int.random(in: 0...parts.count, using: &rng))
      let outcome = try solveIntegerByBlocks(Self.joined(parts, using: &rng), nodeLimit: 1_000)
      #expect(outcome == .infeasible, "trial \(trial): \(outcome)")
    }
  }

  @Test("a term outside the variables is an invalid model, not a crash")
  func badIndex() {
    var lp = LinearProgram()
    let x = lp.addVariable("x", bounds: .range(0, 1))
    lp.addConstraint("r", [.init(x, 1), .init(7, 1)], .upper(1))
    #expect(throws: LPFailure.self) { try solveByBlocks(lp) }
  }
}
