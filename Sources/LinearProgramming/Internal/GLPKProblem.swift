internal import CGLPK

/// Owner of one GLPK problem object (`glp_prob *`).
///
/// GLPK keeps its environment in thread-local storage and a problem object must be deleted on the
/// thread that created it. This type is therefore `~Copyable`, not `Sendable`, never a class and
/// never stored: `solve` creates it, fills it, solves it, reads it and lets it go out of scope
/// (`deinit` calls `glp_delete_prob`) inside one synchronous call with no `await`.
///
/// Every index passed to GLPK here comes from a `GLPKModel`, which validated it.
struct GLPKProblem: ~Copyable {
  private let handle: OpaquePointer

  /// Creates the problem object and loads `model` into it
  /// (`glp_create_prob`, `glp_add_rows`, `glp_add_cols`, `glp_set_*_bnds`, `glp_set_obj_coef`,
  /// `glp_set_col_kind`, `glp_load_matrix`). Run `model.checkTriplets()` first.
  init(_ model: borrowing GLPKModel) {
    // glp_create_prob never returns NULL (GLPK aborts when out of memory).
    handle = glp_create_prob()
    let h = handle
    glp_set_obj_dir(h, model.direction)
    glp_add_rows(h, model.glpkRowCount)
    if model.glpkColumnCount > 0 { glp_add_cols(h, model.glpkColumnCount) }
    for i in 1...Int(model.glpkRowCount) {
      let b = model.rowBounds[i]
      glp_set_row_bnds(h, Int32(truncatingIfNeeded: i), b.type, b.lower, b.upper)
    }
    if model.glpkColumnCount > 0 {
      for j in 1...Int(model.glpkColumnCount) {
        let b = model.columnBounds[j]
        let col = Int32(truncatingIfNeeded: j)
        glp_set_col_bnds(h, col, b.type, b.lower, b.upper)
        glp_set_obj_coef(h, col, model.objective[j])
      }
    }
    for col in model.integerColumns { glp_set_col_kind(h, col, GLP_IV) }
    glp_set_obj_coef(h, 0, model.objectiveConstant)
    model.withTriplets { ne, ia, ja, ar in
      glp_load_matrix(h, ne, ia, ja, ar)
    }
  }

  deinit { glp_delete_prob(handle) }

  // MARK: Solvers

  /// Floating-point simplex (`glp_simplex`); returns GLPK's return code.
  func simplex(_ parm: inout glp_smcp) -> Int32 { glp_simplex(handle, &parm) }

  /// Exact rational simplex from the current basis (`glp_exact`); returns GLPK's return code.
  func exact(_ parm: inout glp_smcp) -> Int32 { glp_exact(handle, &parm) }

  /// Branch and cut (`glp_intopt`); returns GLPK's return code.
  func intopt(_ parm: inout glp_iocp) -> Int32 { glp_intopt(handle, &parm) }

  /// Scales the problem (`glp_scale_prob` with `GLP_SF_AUTO`) and resets the basis
  /// (`glp_std_basis`), for one retry after a numerical failure.
  func rescaleAndResetBasis() {
    glp_scale_prob(handle, GLP_SF_AUTO)
    glp_std_basis(handle)
  }

  /// Resets to the standard basis (`glp_std_basis`).
  func resetBasis() { glp_std_basis(handle) }

  /// Replaces the bounds of row `row` (0-based, validated by the caller) (`glp_set_row_bnds`);
  /// the basis is kept, so the next solve starts from it.
  func setRowBounds(_ row: Int, _ b: GLPKBound) {
    glp_set_row_bnds(handle, Int32(truncatingIfNeeded: row + 1), b.type, b.lower, b.upper)
  }

  /// Appends rows `model.rowCount - added ..< model.rowCount` of `model` (0-based), whose
  /// earlier rows are already loaded, with their bounds and coefficients (`glp_add_rows`,
  /// `glp_set_row_bnds`, `glp_set_mat_row`). The new rows are basic, so the current basis
  /// stays a basis and the next solve starts from it. Run `model.checkTriplets()` first.
  func appendRows(_ added: Int, of model: borrowing GLPKModel) {
    let first = model.rowCount - added
    precondition(added > 0 && first >= 1, "rows are appended to a loaded program with rows")
    glp_add_rows(handle, Int32(truncatingIfNeeded: added))
    for (offset, line) in model.lines(after: first, count: added, byRow: true).enumerated() {
      let row = first + offset + 1  // 1-based, as the model's arrays
      let b = model.rowBounds[row]
      glp_set_row_bnds(handle, Int32(truncatingIfNeeded: row), b.type, b.lower, b.upper)
      glp_set_mat_row(handle, Int32(truncatingIfNeeded: row), line.count, line.indices, line.values)
    }
  }

  /// Appends columns `model.columnCount - added ..< model.columnCount` of `model` (0-based),
  /// whose earlier columns are already loaded, with their bounds, objective coefficients and
  /// coefficients (`glp_add_cols`, `glp_set_col_bnds`, `glp_set_obj_coef`, `glp_set_mat_col`).
  /// The new columns are nonbasic, so the current basis stays a basis (primal feasible when
  /// each new column sits at a bound that keeps the rows' activities) and the next solve starts
  /// from it. Run `model.checkTriplets()` first.
  func appendColumns(_ added: Int, of model: borrowing GLPKModel) {
    let first = model.columnCount - added
    precondition(added > 0 && first >= 0, "columns are appended to a loaded program")
    glp_add_cols(handle, Int32(truncatingIfNeeded: added))
    for (offset, line) in model.lines(after: first, count: added, byRow: false).enumerated() {
      let col = first + offset + 1  // 1-based, as the model's arrays
      let b = model.columnBounds[col]
      glp_set_col_bnds(handle, Int32(truncatingIfNeeded: col), b.type, b.lower, b.upper)
      glp_set_obj_coef(handle, Int32(truncatingIfNeeded: col), model.objective[col])
      glp_set_mat_col(handle, Int32(truncatingIfNeeded: col), line.count, line.indices, line.values)
    }
  }

  // MARK: Status

  /// `glp_get_status`.
  var status: Int32 { glp_get_status(handle) }
  /// `glp_get_prim_stat`.
  var primalStatus: Int32 { glp_get_prim_stat(handle) }
  /// `glp_get_dual_stat`.
  var dualStatus: Int32 { glp_get_dual_stat(handle) }
  /// `glp_mip_status`.
  var mipStatus: Int32 { glp_mip_status(handle) }

  // MARK: Reading solutions

  /// The basic solution with duals (`glp_get_obj_val`, `glp_get_col_prim`, `glp_get_col_dual`,
  /// `glp_get_row_prim`, `glp_get_row_dual`), for the caller's rows and columns only.
  func basicSolution(_ model: borrowing GLPKModel) -> LPSolution {
    let h = handle
    let n = model.columnCount
    let m = model.rowCount
    var values = [Double]()
    var reducedCosts = [Double]()
    values.reserveCapacity(n)
    reducedCosts.reserveCapacity(n)
    for j in 0..<n {
      let col = Int32(truncatingIfNeeded: j + 1)
      values.append(glp_get_col_prim(h, col))
      reducedCosts.append(glp_get_col_dual(h, col))
    }
    var activities = [Double]()
    var duals = [Double]()
    activities.reserveCapacity(m)
    duals.reserveCapacity(m)
    for i in 0..<m {
      let row = Int32(truncatingIfNeeded: i + 1)
      activities.append(glp_get_row_prim(h, row))
      duals.append(glp_get_row_dual(h, row))
    }
    return LPSolution(
      objective: glp_get_obj_val(h), values: values, rowActivities: activities, rowDuals: duals,
      reducedCosts: reducedCosts)
  }

  /// After the dual simplex reports no primal feasible solution: the row multipliers of the
  /// tableau row of the basic variable that GLPK found out of its bounds with nothing to pivot
  /// on (`glp_get_unbnd_ray`, `glp_eval_tab_row`), or nil when GLPK names none (for example when
  /// the primal simplex decided) or the basis is not available.
  ///
  /// The row of basic variable `x_k` says `x_k = Σ_j ξ_kj x_j` over the nonbasic variables
  /// (auxiliary `r_i = a_i·x` and structural). That identity holds for every `x` with
  /// `r = Ax`, and the only such identities are `Σ_i y_i (r_i - a_i·x) = 0`, so its coefficients
  /// on the auxiliary variables are row multipliers `y`: `y_k = 1` when `x_k` is a row,
  /// `y_i = -ξ_ki` for nonbasic rows, 0 for the other basic rows. Because the dual simplex could
  /// not bring `x_k` within its bounds, `y` (or `-y`) separates the rows from the box; the caller
  /// checks that with `FarkasCertificate.verify(against:)` and never trusts it unchecked.
  func dualRayRowMultipliers(_ model: borrowing GLPKModel) -> [Double]? {
    let h = handle
    let m = Int(model.glpkRowCount)
    let n = Int(model.glpkColumnCount)
    let k = Int(glp_get_unbnd_ray(h))
    guard k >= 1, k <= m + n, model.rowCount == m else { return nil }
    let kk = Int32(truncatingIfNeeded: k)
    let status = k <= m ? glp_get_row_stat(h, kk) : glp_get_col_stat(h, Int32(truncatingIfNeeded: k - m))
    guard status == GLP_BS else { return nil }
    // glp_eval_tab_row aborts without a factorization of the current basis.
    guard glp_bf_exists(h) != 0 || glp_factorize(h) == 0 else { return nil }
    var indices = [Int32](repeating: 0, count: n + 1)
    var values = [Double](repeating: 0, count: n + 1)
    let count = Int(glp_eval_tab_row(h, kk, &indices, &values))
    guard count >= 0, count <= n else { return nil }
    var y = [Double](repeating: 0, count: m)
    if k <= m { y[k - 1] = 1 }
    for position in stride(from: 1, through: count, by: 1) {
      let index = Int(indices[position])
      if index >= 1, index <= m { y[index - 1] = -values[position] }
    }
    return y
  }

  /// The integer solution (`glp_mip_obj_val`, `glp_mip_col_val`, `glp_mip_row_val`); duals and
  /// reduced costs are empty.
  func mipSolution(_ model: borrowing GLPKModel) -> LPSolution {
    let h = handle
    var values = [Double]()
    values.reserveCapacity(model.columnCount)
    for j in 0..<model.columnCount {
      values.append(glp_mip_col_val(h, Int32(truncatingIfNeeded: j + 1)))
    }
    var activities = [Double]()
    activities.reserveCapacity(model.rowCount)
    for i in 0..<model.rowCount {
      activities.append(glp_mip_row_val(h, Int32(truncatingIfNeeded: i + 1)))
    }
    return LPSolution(
      objective: glp_mip_obj_val(h), values: values, rowActivities: activities, rowDuals: [],
      reducedCosts: [])
  }
}
