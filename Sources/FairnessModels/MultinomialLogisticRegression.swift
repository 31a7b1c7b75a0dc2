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

  /// `W`, the `(K−1) x d` weights (``coefficients`` without its intercept column).
  var weightMatrix: Matrix {
    let width = featureCount + 1
    let e = coefficients.elements
    var w = [Double](repeating: 0, count: (classCount - 1) * featureCount)
    for c in 0..<(classCount - 1) {
      for j in 0..<featureCount { w[c * featureCount + j] = e[c * width + j] }
    }
    return Matrix(rows: classCount - 1, columns: featureCount, elements: w)
  }

  /// The intercepts `b_c`, `c = 1…K−1`.
  var intercepts: [Double] {
    (0..<(classCount - 1)).map { coefficients.elements[$0 * (featureCount + 1) + featureCount] }
  }

  /// Probabilities `n x K`, log-normalizers and logits `n x K` (class 0's logit is 0).
  func forward(_ x: Matrix) -> (probabilities: [Double], logNormalizers: [Double], logits: [Double]) {
    let n = x.rows
    let k = classCount
    // Z' = X Wᵀ + 1 bᵀ (n x (K−1)) by one dgemm (dgemv for K = 2); prepend the reference logit 0.
    let z = x.multiplied(byTransposeOf: weightMatrix, addingToEachRow: intercepts).elements
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
    return Matrix(rows: x.rows, columns: classCount, elements: forward(x).probabilities)
  }

  /// `ℓ_i = log Σ_k exp(z_ik) − z_{i,y_i}` (computed without cancellation).
  public func perSampleLosses(_ x: Matrix, labels: [Int]) -> [Double] {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let f = forward(x)
    return labels.indices.map { f.logNormalizers[$0] - f.logits[$0 * classCount + labels[$0]] }
  }

  // MARK: Derivatives

  /// The model is one softmax layer on `f_i = x_i` for classes `1…K−1` (class 0's logit is fixed
  /// at 0): `R = (p_ic − [y_i = c])`, `Q = (p_ic)`, `c = 1…K−1`, in the class-major order of
  /// ``coefficients`` (``SoftmaxLayerDerivatives/Layout/interleavedBias``). Never `nil`.
  public func softmaxLayerDerivatives(_ x: Matrix, labels: [Int], block: ParameterBlock = .all)
    -> SoftmaxLayerDerivatives?
  {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    return derivatives(x, labels: labels, probabilities: forward(x).probabilities)
  }

  /// ``softmaxLayerDerivatives(_:labels:block:)`` from already computed probabilities `n x K`.
  func derivatives(_ x: Matrix, labels: [Int], probabilities p: [Double]) -> SoftmaxLayerDerivatives {
    let n = labels.count
    let (k, m) = (classCount, classCount - 1)
    var r = Array(repeating: 0.0, count: n * m)
    var q = Array(repeating: 0.0, count: n * m)
    for i in 0..<n {
      for c in 1..<k {
        q[i * m + c - 1] = p[i * k + c]
        r[i * m + c - 1] = p[i * k + c] - (labels[i] == c ? 1 : 0)
      }
    }
    return SoftmaxLayerDerivatives(
      features: x, residuals: Matrix(rows: n, columns: m, elements: r),
      probabilities: Matrix(rows: n, columns: m, elements: q),
      coversAllClasses: false, firstClass: 1, layout: .interleavedBias, l2Strength: l2Strength,
      penaltyMask: penaltyMask(for: .all))
  }

  /// Row `i` is `∇ℓ_i = (p_i − e_{y_i})_{1:K−1} ⊗ [x_i; 1]` (class-major, matching
  /// ``parameters``), unweighted and without the penalty.
  public func perSampleGradients(_ x: Matrix, labels: [Int], block: ParameterBlock = .all) -> Matrix {
    softmaxLayerDerivatives(x, labels: labels, block: block)!.gradientMatrix()
  }

  /// `∇J = Σ_i ŵ_i (p_i − e_{y_i}) ⊗ [x_i; 1] + λ m ⊙ θ` with `ŵ_i = w_i / Σ w`, computed as
  /// `[RᵀŴX, Rᵀŵ]` by one `dgemm` (``SoftmaxLayerDerivatives/gradientsTransposeApplied(to:)``).
  public func gradient(_ x: Matrix, labels: [Int], weights: [Double]? = nil, block: ParameterBlock = .all) -> [Double] {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let w = normalizedWeights(weights, count: x.rows)
    return gradient(x, labels: labels, normalizedWeights: w, probabilities: forward(x).probabilities)
  }

  func gradient(_ x: Matrix, labels: [Int], normalizedWeights w: [Double], probabilities: [Double]) -> [Double] {
    var g = derivatives(x, labels: labels, probabilities: probabilities).gradientsTransposeApplied(to: w)
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
  /// ``Matrix/weightedGram(_:)``) on `X` and one `dgemv` for the intercept row; `K(K−1)/2`
  /// blocks, so `O(n d² K²)` work (``SoftmaxLayerDerivatives/hessian(weights:)``).
  public func hessian(_ x: Matrix, labels: [Int], weights: [Double]? = nil, block: ParameterBlock = .all) -> Matrix {
    softmaxLayerDerivatives(x, labels: labels, block: block)!.hessian(weights: weights)
  }

  /// The exact product `∇²J · v` without forming the Hessian: with `V` the `(K−1) x (d+1)`
  /// reshaping of `v`, `U = X̃Vᵀ`, `s_ic = ŵ_i p_ic (u_ic − Σ_c' p_ic' u_ic')`, the product is
  /// `SᵀX̃ + λ m ⊙ v` (`O(n d K)`; `X̃ = [X, 1]` is never formed,
  /// ``SoftmaxLayerDerivatives/hessianVectorProduct(_:weights:)``).
  public func hessianVectorProduct(
    _ x: Matrix, labels: [Int], weights: [Double]? = nil, vector v: [Double], block: ParameterBlock = .all
  ) -> [Double] {
    precondition(v.count == parameterCount, "vector of length \(v.count) for \(parameterCount) parameters")
    return softmaxLayerDerivatives(x, labels: labels, block: block)!.hessianVectorProduct(v, weights: weights)
  }
}
