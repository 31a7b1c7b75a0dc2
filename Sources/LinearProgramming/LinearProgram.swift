/// A linear (or mixed-integer) program as a plain value: variables with bounds, sparse constraint
/// rows with bounds, and a linear objective.
///
///     minimize / maximize   c·x + c0
///     subject to            lo_i <= a_i·x <= hi_i     for every constraint row i
///                           lo_j <=  x_j  <= hi_j     for every variable j
///                           x_j integer               for integer variables
///
/// Building a `LinearProgram` never touches GLPK; it is `Sendable` and can be built on one thread
/// and solved on another. Indices are 0-based here; the GLPK marshalling (1-based arrays with a
/// padding element) happens only inside `solve(_:options:)`.
///
/// Validation (finite coefficients, `lo <= hi`, indices in range, no duplicate entries in a row)
/// happens in `solve`, before any GLPK call, and is reported as `LPFailure.invalidModel`.
public struct LinearProgram: Sendable, Equatable {
  /// Whether the objective is minimized or maximized.
  public enum Direction: Sendable, Equatable {
    case minimize
    case maximize
  }

  /// Bounds on a variable or on a constraint row's activity.
  ///
  /// Equal bounds must be written `.fixed`; `.range(lo, hi)` with `lo == hi` is accepted and
  /// mapped to a fixed bound, `lo > hi` is an invalid model.
  public enum Bounds: Sendable, Equatable {
    /// No bound: `-inf < v < +inf`.
    case free
    /// `v >= lo`.
    case lower(Double)
    /// `v <= hi`.
    case upper(Double)
    /// `lo <= v <= hi`.
    case range(Double, Double)
    /// `v == value`.
    case fixed(Double)

    /// The lower bound, or `-infinity`.
    public var lowerValue: Double {
      switch self {
      case .free, .upper: -.infinity
      case .lower(let lo), .range(let lo, _), .fixed(let lo): lo
      }
    }

    /// The upper bound, or `+infinity`.
    public var upperValue: Double {
      switch self {
      case .free, .lower: .infinity
      case .upper(let hi), .range(_, let hi), .fixed(let hi): hi
      }
    }
  }

  /// Whether a variable is continuous or must take integer values (solved by branch and cut).
  public enum Kind: Sendable, Equatable {
    case continuous
    case integer
  }

  /// One decision variable.
  public struct Variable: Sendable, Equatable {
    /// A label used in error messages (never sent to GLPK); may be empty.
    public var name: String
    /// The box `lo_j <= x_j <= hi_j`. Variable bounds are not rows: they carry no row dual.
    public var bounds: Bounds
    /// The objective coefficient `c_j` (must be finite).
    public var objective: Double
    /// Continuous or integer.
    public var kind: Kind

    /// Creates a variable; `objective` defaults to 0 and `kind` to `.continuous`.
    public init(name: String, bounds: Bounds, objective: Double = 0, kind: Kind = .continuous) {
      self.name = name
      self.bounds = bounds
      self.objective = objective
      self.kind = kind
    }
  }

  /// One nonzero coefficient `a_ij` of a constraint row.
  public struct Term: Sendable, Equatable {
    /// The 0-based index of the variable in `LinearProgram.variables`.
    public var variable: Int
    /// The coefficient `a_ij` (must be finite; an explicit 0 is allowed and ignored).
    public var coefficient: Double

    /// Creates the term `coefficient · x[variable]`.
    public init(_ variable: Int, _ coefficient: Double) {
      self.variable = variable
      self.coefficient = coefficient
    }
  }

  /// One constraint row `lo <= Σ terms <= hi`.
  public struct Constraint: Sendable, Equatable {
    /// A label used in error messages (never sent to GLPK); may be empty.
    public var name: String
    /// The nonzero coefficients of the row; each variable at most once.
    public var terms: [Term]
    /// The bounds `lo_i <= a_i·x <= hi_i` on the row activity.
    public var bounds: Bounds

    /// Creates a constraint row.
    public init(name: String, terms: [Term], bounds: Bounds) {
      self.name = name
      self.terms = terms
      self.bounds = bounds
    }

    /// The row activity `a_i·x` at a point.
    public func activity(at x: [Double]) -> Double {
      terms.reduce(0) { $0 + $1.coefficient * x[$1.variable] }
    }
  }

  /// Whether the objective is minimized or maximized.
  public var direction: Direction
  /// The decision variables, in index order.
  public var variables: [Variable]
  /// The constraint rows, in index order.
  public var constraints: [Constraint]
  /// The constant `c0` added to the objective.
  public var objectiveConstant: Double

  /// Creates a program (by default an empty minimization).
  public init(
    direction: Direction = .minimize, variables: [Variable] = [], constraints: [Constraint] = [],
    objectiveConstant: Double = 0
  ) {
    self.direction = direction
    self.variables = variables
    self.constraints = constraints
    self.objectiveConstant = objectiveConstant
  }

  /// Appends a variable and returns its 0-based index.
  @discardableResult
  public mutating func addVariable(
    _ name: String, bounds: Bounds, objective: Double = 0, kind: Kind = .continuous
  ) -> Int {
    variables.append(Variable(name: name, bounds: bounds, objective: objective, kind: kind))
    return variables.count - 1
  }

  /// Appends a constraint row and returns its 0-based index.
  @discardableResult
  public mutating func addConstraint(_ name: String, _ terms: [Term], _ bounds: Bounds) -> Int {
    constraints.append(Constraint(name: name, terms: terms, bounds: bounds))
    return constraints.count - 1
  }

  /// The number of constraint coefficients (terms over all rows).
  public var coefficientCount: Int { constraints.reduce(0) { $0 + $1.terms.count } }

  /// The objective value `c·x + c0` at a point.
  public func objectiveValue(at x: [Double]) -> Double {
    zip(variables, x).reduce(objectiveConstant) { $0 + $1.0.objective * $1.1 }
  }

  /// The largest violation of any variable bound or constraint row at `x` (0 when feasible).
  /// Integrality is not checked here.
  public func maximumViolation(at x: [Double]) -> Double {
    precondition(
      x.count == variables.count,
      "point has \(x.count) entries, LP has \(variables.count) variables")
    var worst = 0.0
    func account(_ value: Double, _ bounds: Bounds) {
      worst = max(worst, bounds.lowerValue - value, value - bounds.upperValue)
    }
    for (variable, value) in zip(variables, x) { account(value, variable.bounds) }
    for row in constraints { account(row.activity(at: x), row.bounds) }
    return worst
  }
}
