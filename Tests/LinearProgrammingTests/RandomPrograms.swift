import LinearProgramming

/// Random programs with a known status by construction. By default all data are small dyadic
/// rationals (multiples of 1/4), so activities at the planted point are exact in binary64; with
/// `roughData` they are arbitrary doubles of the same magnitude (rounding noise everywhere).
enum RandomPrograms {
  /// Set per thread by `withRoughData`; read by `dyadic`.
  @TaskLocal static var roughData = false

  static func dyadic(_ range: ClosedRange<Int>, using rng: inout some RandomNumberGenerator)
    -> Double
  {
    if roughData {
      let value =
        Double.random(in: Double(range.lowerBound)...Double(range.upperBound), using: &rng) / 4
      // Keep exact zeros and the ends reachable so degenerate cases still occur.
      return Int.random(in: 0..<4, using: &rng) == 0
        ? Double(Int.random(in: range, using: &rng)) / 4 : value
    }
    return Double(Int.random(in: range, using: &rng)) / 4
  }

  /// A feasible, bounded program and a feasible point. Boundedness: the objective is bounded on
  /// the box alone (a variable bounded only below has a cost that pushes it down in a
  /// minimization, free variables cost nothing), so rows cannot make it unbounded.
  static func feasible(using rng: inout some RandomNumberGenerator) -> (LinearProgram, [Double]) {
    let n = Int.random(in: 1...12, using: &rng)
    let m = Int.random(in: 0...15, using: &rng)
    let direction: LinearProgram.Direction = Bool.random(using: &rng) ? .minimize : .maximize
    // s = +1 when minimizing: a cost s*c with c >= 0 pushes a variable down.
    let s: Double = direction == .minimize ? 1 : -1
    var lp = LinearProgram(direction: direction, objectiveConstant: dyadic(-4...4, using: &rng))
    var point: [Double] = []
    for j in 0..<n {
      let x0 = dyadic(-12...12, using: &rng)
      point.append(x0)
      let below = dyadic(0...8, using: &rng)
      let above = dyadic(0...8, using: &rng)
      let cost = dyadic(0...12, using: &rng)
      let bounds: LinearProgram.Bounds
      let objective: Double
      switch Int.random(in: 0..<6, using: &rng) {
      case 0, 1:
        bounds = .range(x0 - below, x0 + above)
        objective = dyadic(-12...12, using: &rng)
      case 2:
        bounds = .lower(x0 - below)
        objective = s * cost
      case 3:
        bounds = .upper(x0 + above)
        objective = -s * cost
      case 4:
        bounds = .free
        objective = 0
      default:
        bounds = .fixed(x0)
        objective = dyadic(-12...12, using: &rng)
      }
      lp.addVariable("x\(j)", bounds: bounds, objective: objective)
    }
    for i in 0..<m {
      var chosen = Array(0..<n)
      chosen.shuffle(using: &rng)
      let k = Int.random(in: 0...min(n, 5), using: &rng)
      var terms: [LinearProgram.Term] = []
      for j in chosen.prefix(k) {
        var a = dyadic(-12...12, using: &rng)
        if a == 0 { a = 1 }
        terms.append(.init(j, a))
      }
      let activity = terms.reduce(0) { $0 + $1.coefficient * point[$1.variable] }
      let below = dyadic(0...8, using: &rng)
      let above = dyadic(0...8, using: &rng)
      let bounds: LinearProgram.Bounds =
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: .free
        case 1: .lower(activity - below)
        case 2, 3: .upper(activity + above)
        case 4: .range(activity - below, activity + above)
        default: .fixed(activity)
        }
      lp.addConstraint("r\(i)", terms, bounds)
    }
    return (lp, point)
  }

  /// An infeasible program: a random feasible one plus a row `c·x >= U + δ` where `c` is a
  /// nonnegative combination of rows and variables with finite upper bounds and `U` the same
  /// combination of those upper bounds. Every `x` satisfying the rows and the box has
  /// `c·x <= U`, so no `x` satisfies the new row.
  static func infeasible(using rng: inout some RandomNumberGenerator) -> LinearProgram {
    var (lp, point) = feasible(using: &rng)
    var combined = [Double](repeating: 0, count: lp.variables.count)
    var bound = 0.0
    var used = 0
    for row in lp.constraints where row.bounds.upperValue.isFinite && Bool.random(using: &rng) {
      let lambda = dyadic(1...8, using: &rng)
      for term in row.terms { combined[term.variable] += lambda * term.coefficient }
      bound += lambda * row.bounds.upperValue
      used += 1
    }
    for (j, variable) in lp.variables.enumerated()
    where variable.bounds.upperValue.isFinite && Int.random(in: 0..<4, using: &rng) == 0 {
      let mu = dyadic(1...8, using: &rng)
      combined[j] += mu
      bound += mu * variable.bounds.upperValue
      used += 1
    }
    if used == 0 {
      // No source: add a row x0 <= x0(point) + 1 and use it.
      let hi = point[0] + 1
      lp.addConstraint("source", [.init(0, 1)], .upper(hi))
      combined[0] = 1
      bound = hi
    }
    let terms = combined.enumerated().filter { $0.element != 0 }.map {
      LinearProgram.Term($0.offset, $0.element)
    }
    lp.addConstraint("contradiction", terms, .lower(bound + dyadic(1...8, using: &rng)))
    var order = Array(lp.constraints.indices)
    order.shuffle(using: &rng)
    lp.constraints = order.map { lp.constraints[$0] }
    return lp
  }

  /// A random solver configuration; the exact simplex one time in `exactOdds`.
  static func options(exactOdds: Int = 25, using rng: inout some RandomNumberGenerator)
    -> SimplexOptions
  {
    if Int.random(in: 0..<exactOdds, using: &rng) == 0 { return .init(method: .exact) }
    return .init(
      method: Bool.random(using: &rng) ? .primal : .dual, presolve: Bool.random(using: &rng))
  }

  /// A random knapsack over general integers: max v·x, w·x <= W, 0 <= x <= u (row 0, "weight");
  /// with `covering`, also w·x >= 1,000,000, which no point in the box meets.
  static func knapsack(
    variables: ClosedRange<Int>, covering: Bool = false, using rng: inout some RandomNumberGenerator
  ) -> LinearProgram {
    let n = Int.random(in: variables, using: &rng)
    var lp = LinearProgram(direction: .maximize)
    var weights: [LinearProgram.Term] = []
    for j in 0..<n {
      lp.addVariable(
        "x\(j)", bounds: .range(0, Double(Int.random(in: 1...6, using: &rng))),
        objective: Double(Int.random(in: 1...40, using: &rng)), kind: .integer)
      weights.append(.init(j, Double(Int.random(in: 3...29, using: &rng))))
    }
    lp.addConstraint("weight", weights, .upper(Double(Int.random(in: 20...90, using: &rng))))
    if covering { lp.addConstraint("cover", weights, .lower(1_000_000)) }
    return lp
  }
}
