public import DenseLinearAlgebra

/// Multinomial logistic regression (softmax regression) with an intercept, L2 penalty and
/// per-sample weights, with exact gradients, Hessian and Hessian-vector products.
///
/// ## Parameterization (reference class 0)
/// Class 0 is the reference class with logit fixed at 0; each other class `c = 1, …, K−1` has a
/// weight vector `w_c ∈ ℝᵈ` and intercept `b_c`:
///
///     z_0 = 0,   z_c = w_cᵀx + b_c,   p(c | x) = exp(z_c) / Σ_k exp(z_k).
///
/// For `K = 2` this is exactly binary logistic regression, `p(1|x) = σ(wᵀx + b)`, the model
/// scikit-learn fits for binary targets, so objectives can be compared directly (see
/// Docs/models.md). The reference parameterization is identifiable, so the Hessian is positive
/// definite whenever `λ > 0` on the weights and the intercept directions are determined by the
/// data, which keeps Newton's method and inverse-Hessian-vector products well posed. (For `K > 2`
/// it differs from scikit-learn's symmetric multinomial penalty unless `λ = 0`.)
///
/// The flat parameter vector is ``coefficients`` in row-major order: a `(K−1) x (d+1)` matrix
/// whose row `c−1` is `[w_c; b_c]` (class-major, intercept last). ``ParameterBlock/lastLayer``
/// is the same as ``ParameterBlock/all``.
///
/// ## Objective
/// `J(θ) = Σ w_i ℓ_i / Σ w_i + (λ/2) Σ_c ‖w_c‖²` (intercepts unpenalized unless
/// ``penalizesIntercept``). This is scikit-learn's `C Σ s_i ℓ_i + ½‖w‖²` divided by `C Σ s_i`,
/// hence **`λ = 1 / (C · Σ_i s_i)`** (`1 / (C n)` for unit weights).
public struct MultinomialLogisticRegression: DifferentiableClassifier, Equatable {
  /// The number of input features `d`.
  public let featureCount: Int
  /// The number of classes `K >= 2`.
  public let classCount: Int
  /// The L2 strength `λ >= 0` applied to the weights (and to the intercepts if
  /// ``penalizesIntercept``).
  public var l2Strength: Double
  /// Whether the intercepts are penalized too (default `false`, as in scikit-learn).
  public var penalizesIntercept: Bool
  /// The `(K−1) x (d+1)` coefficient matrix; row `c−1` is `[w_c; b_c]` for class `c >= 1`.
  public var coefficients: Matrix

  /// Creates a model with all coefficients zero (every class equally likely).
  ///
  /// - Precondition: `featureCount >= 0`, `classCount >= 2`, `l2Strength >= 0`.
  public init(featureCount: Int, classCount: Int = 2, l2Strength: Double = 0, penalizesIntercept: Bool = false) {
    precondition(featureCount >= 0 && classCount >= 2, "need d >= 0 features and K >= 2 classes")
    precondition(l2Strength >= 0 && l2Strength.isFinite, "l2Strength must be finite and >= 0")
    self.featureCount = featureCount
    self.classCount = classCount
    self.l2Strength = l2Strength
    self.penalizesIntercept = penalizesIntercept
    self.coefficients = Matrix(rows: classCount - 1, columns: featureCount + 1)
  }

  /// `p = (K−1)(d+1)`.
  public var parameterCount: Int { (classCount - 1) * (featureCount + 1) }

  /// The row-major elements of ``coefficients``.
  public var parameters: [Double] {
    get { coefficients.elements }
    set {
      precondition(newValue.count == parameterCount, "\(newValue.count) parameters for a model with \(parameterCount)")
      coefficients = Matrix(rows: classCount - 1, columns: featureCount + 1, elements: newValue)
    }
  }

  /// Always `0..<parameterCount` (a linear model is a single layer).
  public func parameterRange(for block: ParameterBlock) -> Range<Int> { 0..<parameterCount }

  /// 1 for weights, and for intercepts only if ``penalizesIntercept``.
  public func penaltyMask(for block: ParameterBlock) -> [Double] {
    let width = featureCount + 1
    return (0..<parameterCount).map { j in (j % width == featureCount && !penalizesIntercept) ? 0 : 1 }
  }

  // MARK: Forward pass

  /// `[X, 1]`: the design matrix with a trailing column of ones for the intercept.
  func augmented(_ x: Matrix) -> Matrix {
    x.appendingColumn(Array(repeating: 1, count: x.rows))
  }

  /// Probabilities `n x K` and log-normalizers for an augmented design `[X, 1]`.
  func forward(augmented xa: Matrix) -> (probabilities: [Double], logNormalizers: [Double], logits: [Double]) {
    let n = xa.rows
    let k = classCount
    // Z' = [X,1] Θᵀ  (n x (K−1)), by dgemm; prepend the reference logit 0.
    let z = xa.multiplied(byTransposeOf: coefficients).elements
    var logits = Array(repeating: 0.0, count: n * k)
    for i in 0..<n {
      for c in 1..<k { logits[i * k + c] = z[i * (k - 1) + c - 1] }
    }
    let (p, lse) = softmaxRows(logits, rows: n, columns: k)
    return (p, lse, logits)
  }

  /// The predicted class probabilities `p(c | x_i)`, an `n x K` matrix.
  public func probabilities(_ x: Matrix) -> Matrix {
    precondition(x.columns == featureCount, "features have \(x.columns) columns, model expects \(featureCount)")
    return Matrix(rows: x.rows, columns: classCount, elements: forward(augmented: augmented(x)).probabilities)
  }

  /// `ℓ_i = log Σ_k exp(z_ik) − z_{i,y_i}` (computed without cancellation).
  public func perSampleLosses(_ x: Matrix, labels: [Int]) -> [Double] {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let f = forward(augmented: augmented(x))
    return labels.indices.map { f.logNormalizers[$0] - f.logits[$0 * classCount + labels[$0]] }
  }

  // MARK: Derivatives

  /// The residuals `r_ic = scale_i (p_ic − [y_i = c])` for `c = 1…K−1`, `n x (K−1)`.
  func residuals(_ p: [Double], labels: [Int], scale: [Double]?) -> Matrix {
    let n = labels.count
    let k = classCount
    var r = Array(repeating: 0.0, count: n * (k - 1))
    for i in 0..<n {
      let s = scale?[i] ?? 1
      for c in 1..<k {
        r[i * (k - 1) + c - 1] = s * (p[i * k + c] - (labels[i] == c ? 1 : 0))
      }
    }
    return Matrix(rows: n, columns: k - 1, elements: r)
  }

  /// Row `i` is `∇ℓ_i = (p_i − e_{y_i})_{1:K−1} ⊗ [x_i; 1]` (class-major, matching
  /// ``parameters``), unweighted and without the penalty.
  public func perSampleGradients(_ x: Matrix, labels: [Int], block: ParameterBlock = .all) -> Matrix {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let xa = augmented(x)
    let r = residuals(forward(augmented: xa).probabilities, labels: labels, scale: nil).elements
    let n = x.rows
    let width = featureCount + 1
    let p = parameterCount
    let xe = xa.elements
    var g = Array(repeating: 0.0, count: n * p)
    for i in 0..<n {
      for c in 0..<(classCount - 1) {
        let ric = r[i * (classCount - 1) + c]
        for j in 0..<width { g[i * p + c * width + j] = ric * xe[i * width + j] }
      }
    }
    return Matrix(rows: n, columns: p, elements: g)
  }

  /// `∇J = Σ_i ŵ_i (p_i − e_{y_i}) ⊗ [x_i; 1] + λ m ⊙ θ` with `ŵ_i = w_i / Σ w`, computed as
  /// `Rᵀ[X, 1]` by one `dgemm`.
  public func gradient(_ x: Matrix, labels: [Int], weights: [Double]? = nil, block: ParameterBlock = .all) -> [Double] {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let xa = augmented(x)
    let w = normalizedWeights(weights, count: x.rows)
    return gradient(augmented: xa, labels: labels, normalizedWeights: w, probabilities: forward(augmented: xa).probabilities)
  }

  func gradient(augmented xa: Matrix, labels: [Int], normalizedWeights w: [Double], probabilities: [Double]) -> [Double] {
    let r = residuals(probabilities, labels: labels, scale: w)
    var g = r.transposeMultiplied(by: xa).elements
    addPenalty(to: &g, times: parameters)
    return g
  }

  /// `g ← g + λ m ⊙ v`.
  func addPenalty(to g: inout [Double], times v: [Double]) {
    guard l2Strength > 0 else { return }
    let width = featureCount + 1
    for j in g.indices where penalizesIntercept || j % width != featureCount { g[j] += l2Strength * v[j] }
  }

  /// The exact Hessian `∇²J = Σ_i ŵ_i (diag(p_i) − p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ + λ diag(m)`, where
  /// `p_i` is restricted to classes `1…K−1` and `x̃_i = [x_i; 1]`.
  ///
  /// Block `(c, c')` is `X̃ᵀ diag(ŵ_i (δ_cc' p_ic − p_ic p_ic')) X̃`, computed with `dsyrk` (via
  /// ``Matrix/weightedGram(_:)``); `K(K−1)/2` blocks, so `O(n d² K²)` work.
  public func hessian(_ x: Matrix, labels: [Int], weights: [Double]? = nil, block: ParameterBlock = .all) -> Matrix {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let xa = augmented(x)
    let w = normalizedWeights(weights, count: x.rows)
    return hessian(augmented: xa, normalizedWeights: w, probabilities: forward(augmented: xa).probabilities)
  }

  func hessian(augmented xa: Matrix, normalizedWeights w: [Double], probabilities p: [Double]) -> Matrix {
    let n = xa.rows
    let k = classCount
    let width = featureCount + 1
    let size = parameterCount
    var h = Array(repeating: 0.0, count: size * size)
    for c in 1..<k {
      for c2 in c..<k {
        let scale = (0..<n).map { i in
          w[i] * ((c == c2 ? p[i * k + c] : 0) - p[i * k + c] * p[i * k + c2])
        }
        let blockMatrix = xa.weightedGram(scale).elements
        let (r0, s0) = ((c - 1) * width, (c2 - 1) * width)
        for a in 0..<width {
          for b in 0..<width {
            let value = blockMatrix[a * width + b]
            h[(r0 + a) * size + s0 + b] = value
            h[(s0 + b) * size + r0 + a] = value
          }
        }
      }
    }
    if l2Strength > 0 {
      for j in 0..<size where penalizesIntercept || j % width != featureCount { h[j * size + j] += l2Strength }
    }
    return Matrix(rows: size, columns: size, elements: h)
  }

  /// The exact product `∇²J · v` without forming the Hessian: with `V` the `(K−1) x (d+1)`
  /// reshaping of `v`, `U = X̃Vᵀ`, `s_ic = ŵ_i p_ic (u_ic − Σ_c' p_ic' u_ic')`, the product is
  /// `SᵀX̃ + λ m ⊙ v` (two `dgemm`s, `O(n d K)`).
  public func hessianVectorProduct(
    _ x: Matrix, labels: [Int], weights: [Double]? = nil, vector v: [Double], block: ParameterBlock = .all
  ) -> [Double] {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    precondition(v.count == parameterCount, "vector of length \(v.count) for \(parameterCount) parameters")
    let xa = augmented(x)
    let w = normalizedWeights(weights, count: x.rows)
    let p = forward(augmented: xa).probabilities
    let n = x.rows
    let k = classCount
    let vMatrix = Matrix(rows: k - 1, columns: featureCount + 1, elements: v)
    let u = xa.multiplied(byTransposeOf: vMatrix).elements
    var s = Array(repeating: 0.0, count: n * (k - 1))
    for i in 0..<n {
      var mean = 0.0
      for c in 1..<k { mean += p[i * k + c] * u[i * (k - 1) + c - 1] }
      for c in 1..<k { s[i * (k - 1) + c - 1] = w[i] * p[i * k + c] * (u[i * (k - 1) + c - 1] - mean) }
    }
    var hv = Matrix(rows: n, columns: k - 1, elements: s).transposeMultiplied(by: xa).elements
    addPenalty(to: &hv, times: v)
    return hv
  }
}
