import LinearProgramming

/// Small programs with known answers, derived by hand in the comments.
enum Fixtures {
  /// maximize 3x + 2y  s.t.  x + y <= 4, x + 3y <= 6, x <= 3, x, y >= 0.
  /// Optimum x = 3, y = 1, objective 11 (vertex of rows 1 and 3; row 2 also tight: degenerate).
  static var textbookMax: LinearProgram {
    var lp = LinearProgram(direction: .maximize)
    let x = lp.addVariable("x", bounds: .lower(0), objective: 3)
    let y = lp.addVariable("y", bounds: .lower(0), objective: 2)
    lp.addConstraint("a", [.init(x, 1), .init(y, 1)], .upper(4))
    lp.addConstraint("b", [.init(x, 1), .init(y, 3)], .upper(6))
    lp.addConstraint("c", [.init(x, 1)], .upper(3))
    return lp
  }

  /// The LP dual of `textbookMax`: minimize 4u + 6v + 3w s.t. u + v + w >= 3, u + 3v >= 2,
  /// u, v, w >= 0. Its optimum is 11 by strong duality.
  static var textbookDual: LinearProgram {
    var lp = LinearProgram(direction: .minimize)
    let u = lp.addVariable("u", bounds: .lower(0), objective: 4)
    let v = lp.addVariable("v", bounds: .lower(0), objective: 6)
    let w = lp.addVariable("w", bounds: .lower(0), objective: 3)
    lp.addConstraint("x", [.init(u, 1), .init(v, 1), .init(w, 1)], .lower(3))
    lp.addConstraint("y", [.init(u, 1), .init(v, 3)], .lower(2))
    return lp
  }

  /// minimize x + 2y - z + 0.25 with x free, y in [-2, 3], z fixed at 1.5,
  /// rows x + y == 1 (written `.range(1, 1)`) and -5 <= x - y <= 2.
  ///
  /// With x = 1 - y the objective is y - 0.5 + 0.25 and the range row is 1 - 2y in [-5, 2], so
  /// y >= -0.5: optimum y = -0.5, x = 1.5, objective -0.75. Duals (x basic, y basic):
  /// y1 + y2 = 1 and y1 - y2 = 2, so rowDuals = [1.5, -0.5] (row 2 active at its upper bound),
  /// reducedCosts = [0, 0, -1].
  static var mixedMin: LinearProgram {
    var lp = LinearProgram(direction: .minimize, objectiveConstant: 0.25)
    let x = lp.addVariable("x", bounds: .free, objective: 1)
    let y = lp.addVariable("y", bounds: .range(-2, 3), objective: 2)
    let z = lp.addVariable("z", bounds: .fixed(1.5), objective: -1)
    lp.addConstraint("eq", [.init(x, 1), .init(y, 1)], .range(1, 1))
    lp.addConstraint("rng", [.init(x, 1), .init(y, -1)], .range(-5, 2))
    _ = z
    return lp
  }

  /// maximize x + 2y - z with x free, y in [-2, 2], z fixed at 1.5, rows x + y == 1 and
  /// -5 <= x - y <= 2. The objective is y - 0.5: optimum y = 2, x = -1, objective 1.5; the range
  /// row (value -3) is inactive. rowDuals = [1, 0], reducedCosts = [0, 1, -1].
  static var mixedMax: LinearProgram {
    var lp = LinearProgram(direction: .maximize)
    let x = lp.addVariable("x", bounds: .free, objective: 1)
    let y = lp.addVariable("y", bounds: .range(-2, 2), objective: 2)
    lp.addVariable("z", bounds: .fixed(1.5), objective: -1)
    lp.addConstraint("eq", [.init(x, 1), .init(y, 1)], .fixed(1))
    lp.addConstraint("rng", [.init(x, 1), .init(y, -1)], .range(-5, 2))
    return lp
  }

  /// maximize x + y s.t. 2x + y <= 1, x + 2y <= 1, x, y >= 0: optimum x = y = 1/3, value 2/3.
  static var rationalVertex: LinearProgram {
    var lp = LinearProgram(direction: .maximize)
    let x = lp.addVariable("x", bounds: .lower(0), objective: 1)
    let y = lp.addVariable("y", bounds: .lower(0), objective: 1)
    lp.addConstraint("r1", [.init(x, 2), .init(y, 1)], .upper(1))
    lp.addConstraint("r2", [.init(x, 1), .init(y, 2)], .upper(1))
    return lp
  }

  /// Infeasible programs, each with the reason.
  static var infeasible: [(String, LinearProgram)] {
    var out: [(String, LinearProgram)] = []

    // x >= 0 (box) and the row x <= -1.
    var a = LinearProgram()
    let ax = a.addVariable("x", bounds: .lower(0), objective: 1)
    a.addConstraint("neg", [.init(ax, 1)], .upper(-1))
    out.append(("box against row", a))

    // Free x, y: x + y >= 3 and x + y <= 1 (the certificate must cancel the free columns).
    var b = LinearProgram(direction: .maximize)
    let bx = b.addVariable("x", bounds: .free, objective: 1)
    let by = b.addVariable("y", bounds: .free)
    b.addConstraint("ge", [.init(bx, 1), .init(by, 1)], .lower(3))
    b.addConstraint("le", [.init(bx, 1), .init(by, 1)], .upper(1))
    out.append(("two parallel rows, free variables", b))

    // x, y in [0, 1] but x + y >= 3.
    var c = LinearProgram()
    let cx = c.addVariable("x", bounds: .range(0, 1))
    let cy = c.addVariable("y", bounds: .range(0, 1), objective: -1)
    c.addConstraint("big", [.init(cx, 1), .init(cy, 1)], .lower(3))
    out.append(("row beyond the box", c))

    // x + y = 1, x - y = 1, 2x = 3 with free x, y: the first two force x = 1.
    var d = LinearProgram()
    let dx = d.addVariable("x", bounds: .free, objective: 1)
    let dy = d.addVariable("y", bounds: .free, objective: 1)
    d.addConstraint("s", [.init(dx, 1), .init(dy, 1)], .fixed(1))
    d.addConstraint("t", [.init(dx, 1), .init(dy, -1)], .fixed(1))
    d.addConstraint("u", [.init(dx, 2)], .fixed(3))
    out.append(("inconsistent equations", d))

    // Primal and dual infeasible: minimize -x - y, x - y >= 1, -x + y >= 1, x, y >= 0.
    // The dual simplex stops on dual infeasibility first; the answer must still be infeasible.
    out.append(("primal and dual infeasible", primalAndDualInfeasible))

    // An empty row that cannot hold: 0 >= 1.
    var f = LinearProgram()
    f.addVariable("x", bounds: .range(0, 1), objective: 1)
    f.addConstraint("empty", [], .lower(1))
    out.append(("empty row", f))
    return out
  }

  static var primalAndDualInfeasible: LinearProgram {
    var e = LinearProgram()
    let ex = e.addVariable("x", bounds: .lower(0), objective: -1)
    let ey = e.addVariable("y", bounds: .lower(0), objective: -1)
    e.addConstraint("p", [.init(ex, 1), .init(ey, -1)], .lower(1))
    e.addConstraint("q", [.init(ex, -1), .init(ey, 1)], .lower(1))
    return e
  }

  /// Unbounded programs (feasible, objective unbounded).
  static var unbounded: [(String, LinearProgram)] {
    var out: [(String, LinearProgram)] = []
    // maximize x + y s.t. x - y <= 1, x, y >= 0: the ray (1, 1).
    var a = LinearProgram(direction: .maximize)
    let ax = a.addVariable("x", bounds: .lower(0), objective: 1)
    let ay = a.addVariable("y", bounds: .lower(0), objective: 1)
    a.addConstraint("r", [.init(ax, 1), .init(ay, -1)], .upper(1))
    out.append(("ray", a))
    // minimize x with x free and no rows.
    var b = LinearProgram()
    b.addVariable("x", bounds: .free, objective: 1)
    out.append(("free variable, no rows", b))
    // minimize x - y with x >= 0, y free, x + y >= 1 and x - 2y <= 4: the ray (0, 1).
    var c = LinearProgram()
    let cx = c.addVariable("x", bounds: .lower(0), objective: 1)
    let cy = c.addVariable("y", bounds: .free, objective: -1)
    c.addConstraint("r", [.init(cx, 1), .init(cy, 1)], .lower(1))
    c.addConstraint("s", [.init(cx, 1), .init(cy, -2)], .upper(4))
    out.append(("free variable along a ray", c))
    return out
  }
}
