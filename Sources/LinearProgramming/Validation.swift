internal import CGLPK

// Validation of a `LinearProgram` in Swift, before any GLPK call.
//
// GLPK aborts the whole process on a bad index or count (its error path calls `abort()`), so
// everything user data can get wrong is checked here and reported as
// `LPFailure.invalidModel(...)` with a message naming the variable or row:
//
// * non-finite objective coefficient, objective constant or matrix coefficient (NaN, ±inf);
// * a NaN bound, a lower bound of +inf, an upper bound of -inf, a `.fixed` infinite value;
// * `lo > hi` in `.range(lo, hi)`;
// * a term whose variable index is negative or not less than the number of variables;
// * the same variable twice in one row;
// * row, column or nonzero counts (including the elastic phase-one LP used for certificates)
//   that do not fit in a C `int`.

/// A bound in GLPK's representation: type `GLP_FR`, `GLP_LO`, `GLP_UP`, `GLP_DB` or `GLP_FX`
/// and the two finite values GLPK reads for that type (unused ones are 0).
struct GLPKBound {
  var type: Int32
  var lower: Double
  var upper: Double

  static let free = GLPKBound(type: GLP_FR, lower: 0, upper: 0)
}

/// Describes a variable for error messages: `variable 3 ("x")`.
func describeVariable(_ index: Int, _ name: String) -> String {
  name.isEmpty ? "variable \(index)" : "variable \(index) (\"\(name)\")"
}

/// Describes a constraint row for error messages: `row 2 ("capacity")`.
func describeRow(_ index: Int, _ name: String) -> String {
  name.isEmpty ? "row \(index)" : "row \(index) (\"\(name)\")"
}

/// Maps `Bounds` to GLPK's bound type, rejecting NaN, a +inf lower end, a -inf upper end and
/// `lo > hi`. Infinite ends mean "no bound on that side"; `lo == hi` becomes `GLP_FX` (GLPK
/// rejects `GLP_DB` with equal bounds with `GLP_EBOUND`).
///
/// `what` is only evaluated when the bounds are invalid.
func glpkBound(
  _ bounds: LinearProgram.Bounds, of what: @autoclosure () -> String
) throws(LPFailure) -> GLPKBound {
  let lo: Double
  let hi: Double
  switch bounds {
  case .free: return .free
  case .lower(let v):
    lo = v
    hi = .infinity
  case .upper(let v):
    lo = -.infinity
    hi = v
  case .range(let l, let h):
    lo = l
    hi = h
  case .fixed(let v):
    guard v.isFinite else {
      throw .invalidModel("\(what()) has a non-finite fixed value \(v)")
    }
    return GLPKBound(type: GLP_FX, lower: v, upper: v)
  }
  if lo.isNaN || hi.isNaN {
    throw .invalidModel("\(what()) has a NaN bound (\(bounds))")
  }
  if lo == .infinity {
    throw .invalidModel("\(what()) has lower bound +infinity")
  }
  if hi == -.infinity {
    throw .invalidModel("\(what()) has upper bound -infinity")
  }
  if lo > hi {
    throw .invalidModel("\(what()) has lower bound \(lo) greater than upper bound \(hi)")
  }
  switch (lo.isFinite, hi.isFinite) {
  case (false, false): return .free
  case (true, false): return GLPKBound(type: GLP_LO, lower: lo, upper: 0)
  case (false, true): return GLPKBound(type: GLP_UP, lower: 0, upper: hi)
  case (true, true):
    return lo == hi
      ? GLPKBound(type: GLP_FX, lower: lo, upper: lo)
      : GLPKBound(type: GLP_DB, lower: lo, upper: hi)
  }
}

/// Narrows an integer variable's finite bounds to integers (`ceil(lo)`, `floor(hi)`), which GLPK's
/// `glp_intopt` requires and which leaves the set of integer points unchanged. Returns `nil`
/// when no integer lies in the box (the integer program is then infeasible).
func integralBound(_ bound: GLPKBound) -> GLPKBound? {
  switch bound.type {
  case GLP_LO: return GLPKBound(type: GLP_LO, lower: bound.lower.rounded(.up), upper: 0)
  case GLP_UP: return GLPKBound(type: GLP_UP, lower: 0, upper: bound.upper.rounded(.down))
  case GLP_DB, GLP_FX:
    let lo = bound.lower.rounded(.up)
    let hi = bound.upper.rounded(.down)
    if lo > hi { return nil }
    return lo == hi
      ? GLPKBound(type: GLP_FX, lower: lo, upper: lo)
      : GLPKBound(type: GLP_DB, lower: lo, upper: hi)
  default: return bound
  }
}

/// Converts a count to a C `int`, naming it in the error when it does not fit.
func cInt(_ value: Int, _ what: @autoclosure () -> String) throws(LPFailure) -> Int32 {
  guard let narrowed = Int32(exactly: value) else {
    throw .invalidModel("\(what()) (\(value)) does not fit in a C int")
  }
  return narrowed
}

/// The simplex control limits in GLPK's units, validated.
struct SolverLimits {
  /// `it_lim`: simplex iterations (`Int32.max` means none).
  var iterations: Int32 = .max
  /// `tm_lim`: milliseconds (`Int32.max` means none).
  var milliseconds: Int32 = .max

  init(_ options: SimplexOptions) throws(LPFailure) {
    if let limit = options.iterationLimit {
      guard limit >= 0 else {
        throw .invalidModel("iterationLimit must be nonnegative, got \(limit)")
      }
      iterations = Int32(clamping: limit)
    }
    if let seconds = options.timeLimit {
      guard seconds >= 0 else {  // also rejects NaN
        throw .invalidModel("timeLimit must be nonnegative seconds, got \(seconds)")
      }
      let ms = (seconds * 1000).rounded(.up)
      milliseconds = ms >= Double(Int32.max) ? .max : Int32(ms)
    }
  }
}
